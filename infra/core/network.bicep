// Only when Bank 2 is private (sqlNetworkAccess = privateEndpoint): a virtual network with one
// subnet for the Function App's outbound traffic and one for private endpoints.

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
