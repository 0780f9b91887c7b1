// The virtual network every deployment gets: one subnet for the Function App's outbound traffic
// (virtual network integration) and one for the private endpoints of SQL, Key Vault and storage.
//
// The app subnet is delegated to the plan's integration service: Microsoft.App/environments for
// Flex Consumption (its documented delegation; the subscription must have the Microsoft.App
// resource provider registered, "Flex Consumption plan hosting", Considerations), and
// Microsoft.Web/serverFarms for Elastic Premium (regional virtual network integration). A /24
// leaves room for every instance the plan can add.
//
// No NAT gateway, as in Microsoft's Flex Consumption quickstart with its virtual network on
// (Azure-Samples/functions-quickstart-python-http-azd, infra/app/vnet.bicep): internet-bound
// traffic (the Kafka broker, Application Insights, Microsoft Entra) has no fixed source address.
// Add a NAT gateway on the app subnet if the broker must allow-list the app's address.

param location string
param tags object
param name string
param addressPrefix string

@allowed([
  'Microsoft.App/environments'
  'Microsoft.Web/serverFarms'
])
@description('Flex Consumption integrates through Microsoft.App/environments, Elastic Premium through Microsoft.Web/serverFarms.')
param appSubnetDelegation string

resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          delegations: [
            {
              name: 'function-app'
              properties: {
                serviceName: appSubnetDelegation
              }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 2)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

output id string = vnet.id
output appSubnetId string = vnet.properties.subnets[0].id
output privateEndpointSubnetId string = vnet.properties.subnets[1].id
