// Key Vault in RBAC mode: the Kafka SASL credentials, and on Elastic Premium the content share's
// connection string. The app reads them only through @Microsoft.KeyVault references, resolved by
// the platform with the app's host identity (Key Vault Secrets User on this vault; the functions'
// database identities get nothing here).
//
// Network: the app reaches the vault through its private endpoint (main.bicep). The public
// endpoint is Disabled, or, in a development deployment, open to the listed addresses only; no
// trusted-service bypass. Resolving references to a vault behind a private endpoint needs the
// app's traffic routed through the virtual network: automatic on Flex Consumption, vnetRouteAllEnabled
// on Elastic Premium (function-app.bicep; "Use Key Vault references", Access network-restricted
// vaults). The secrets below are written through Azure Resource Manager (the vault's control
// plane), which its network rules, made for the data plane, should not block (not verified here).
//
// A credential left empty here is not created: set it later with
//   az keyvault secret set --vault-name <vault> --name kafka-password --value <secret>
// (as secretsOfficerPrincipalId, who may write secrets, from inside the virtual network or from a
// listed address) so that it never passes through a deployment parameter. The app picks up a new
// version of an unversioned reference within 24 hours, or at once when its configuration changes
// or it restarts.
//
// Every data-plane request (who read or wrote which secret) is logged to Log Analytics (AuditEvent).

param location string
param tags object
param name string

@description('Principal id of the identity that resolves the app setting references.')
param readerPrincipalId string

param kafkaUsernameSecretName string
param kafkaPasswordSecretName string

@secure()
param kafkaUsername string

@secure()
param kafkaPassword string

@description('Principal that may write the Kafka secrets (the operator), or empty for none.')
param secretsOfficerPrincipalId string

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param secretsOfficerPrincipalType string

@description('Storage account whose Azure Files connection string the Elastic Premium plan needs; empty on Flex Consumption.')
param contentStorageAccountName string

@allowed([
  'Disabled'
  'Enabled'
])
@description('Disabled: private endpoint only. Enabled (development only): also the public endpoint, for allowedIpAddresses and nothing else.')
param publicNetworkAccess string

@description('Public IPv4 addresses let through the firewall when publicNetworkAccess is Enabled.')
param allowedIpAddresses array

@description('Resource id of the Log Analytics workspace that receives the audit log.')
param logAnalyticsWorkspaceId string

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
var contentConnectionSecretName = 'content-share-connection'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
      ipRules: [for address in ((publicNetworkAccess == 'Enabled') ? allowedIpAddresses : []): {
        value: address
      }]
    }
  }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'key-vault-audit'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

resource usernameSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(kafkaUsername)) {
  parent: vault
  name: kafkaUsernameSecretName
  properties: {
    value: kafkaUsername
  }
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(kafkaPassword)) {
  parent: vault
  name: kafkaPasswordSecretName
  properties: {
    value: kafkaPassword
  }
}

resource contentStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = if (!empty(contentStorageAccountName)) {
  name: contentStorageAccountName
}

// Elastic Premium only: Azure Files takes no identity-based connection, so its key-based
// connection string is written here, straight from the storage account, and nowhere else.
resource contentConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(contentStorageAccountName)) {
  parent: vault
  name: contentConnectionSecretName
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${contentStorageAccountName};EndpointSuffix=${environment().suffixes.storage};AccountKey=${contentStorage.listKeys().keys[0].value}'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The operator may set the Kafka secrets (az keyvault secret set); RBAC vaults grant no data
// access to subscription owners by default.
resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(vault.id, secretsOfficerPrincipalId, keyVaultSecretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRoleId)
    principalId: secretsOfficerPrincipalId
    principalType: secretsOfficerPrincipalType
  }
}

output id string = vault.id
output name string = vault.name
@description('The vault URI, ending with a slash.')
output uri string = vault.properties.vaultUri
output contentConnectionSecretName string = contentConnectionSecretName
