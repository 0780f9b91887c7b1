// One private endpoint into the virtual network's private-endpoints subnet, for one sub-resource of
// one service, with the private DNS zone that makes the service's usual host name resolve to the
// endpoint's private address inside the network: the zone, its link to the network, and the zone
// group through which Azure keeps the endpoint's A record in the zone.
//
// Zone names and sub-resources (group ids) are the ones Microsoft documents for Azure public cloud
// ("Azure Private Endpoint private DNS zone values", learn.microsoft.com/azure/private-link/
// private-endpoint-dns): sqlServer -> privatelink.database.windows.net, vault ->
// privatelink.vaultcore.azure.net, blob/queue/table/file -> privatelink.<sub-resource>.core.windows.net.
// One zone per sub-resource, never shared between services (the same page warns that a shared zone
// loses records).

param location string
param tags object
param name string

@description('Resource id of the service the endpoint connects to.')
param serviceId string

@allowed([
  'sqlServer'
  'vault'
  'blob'
  'queue'
  'table'
  'file'
])
@description('The sub-resource (group id) of the service.')
param groupId string

@description('The documented private DNS zone of that sub-resource.')
param privateDnsZoneName string

@description('The private-endpoints subnet.')
param subnetId string

param virtualNetworkId string

resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: privateDnsZoneName
  location: 'global'
  tags: tags
}

resource zoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: zone
  name: 'app-network'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: virtualNetworkId
    }
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-01-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: groupId
        properties: {
          privateLinkServiceId: serviceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-01-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: {
          privateDnsZoneId: zone.id
        }
      }
    ]
  }
}

output id string = endpoint.id
