// Bank 2: an Azure SQL logical server that accepts only Microsoft Entra authentication (no SQL
// logins at all, so no password exists to leak), TLS 1.2 or later, and the Bank 2 database.
//
// ARM cannot create database users: the post-deployment script (infra/scripts/grant-bank2-access.sh)
// creates the schema and the app identity's contained user, as the Entra admin set here.

param location string
param tags object
param serverName string
param databaseName string
param databaseSku object

param adminLogin string
param adminObjectId string

@allowed([
  'User'
  'Group'
  'Application'
])
param adminPrincipalType string

@allowed([
  'publicFirewall'
  'privateEndpoint'
])
param networkAccess string

param firewallAllowedIpAddresses array
param privateEndpointSubnetId string
param virtualNetworkId string

var isPrivate = networkAccess == 'privateEndpoint'

resource server 'Microsoft.Sql/servers@2023-08-01' = {
  name: serverName
  location: location
  tags: tags
  properties: {
    version: '12.0'
    minimalTlsVersion: '1.2'
    publicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminLogin
      sid: adminObjectId
      principalType: adminPrincipalType
      tenantId: subscription().tenantId
    }
  }
}

resource database 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: server
  name: databaseName
  location: location
  tags: tags
  sku: databaseSku
  properties: {
    collation: 'SQL_Latin1_General_CP1_CI_AS'
    requestedBackupStorageRedundancy: 'Local'
  }
}

// 0.0.0.0 - 0.0.0.0 is Azure's rule for "Azure services": the Function App's outbound addresses are
// not fixed on a serverless plan. Entra-only sign-in still applies to every caller.
resource azureServices 'Microsoft.Sql/servers/firewallRules@2023-08-01' = if (!isPrivate) {
  parent: server
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource allowedAddresses 'Microsoft.Sql/servers/firewallRules@2023-08-01' = [for (address, index) in (isPrivate ? [] : firewallAllowedIpAddresses): {
  parent: server
  name: 'allowed-${index}'
  properties: {
    startIpAddress: address
    endIpAddress: address
  }
}]

resource privateDnsZone 'Microsoft.Network/privateDnsZones@2020-06-01' = if (isPrivate) {
  name: 'privatelink${environment().suffixes.sqlServerHostname}'
  location: 'global'
  tags: tags
}

resource privateDnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = if (isPrivate) {
  parent: privateDnsZone
  name: 'bank2-vnet'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: virtualNetworkId
    }
  }
}

resource sqlPrivateEndpoint 'Microsoft.Network/privateEndpoints@2024-01-01' = if (isPrivate) {
  name: 'pe-${serverName}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'sql'
        properties: {
          privateLinkServiceId: server.id
          groupIds: [
            'sqlServer'
          ]
        }
      }
    ]
  }
}

resource sqlPrivateDnsGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-01-01' = if (isPrivate) {
  parent: sqlPrivateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'sql'
        properties: {
          privateDnsZoneId: privateDnsZone.id
        }
      }
    ]
  }
}

output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output serverName string = server.name
output databaseName string = database.name
