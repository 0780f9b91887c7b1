// Key Vault in RBAC mode: the Kafka SASL credentials, and on Elastic Premium the content share's
// connection string. The app reads them only through @Microsoft.KeyVault references, resolved by
// the platform with the app's user-assigned identity (Key Vault Secrets User on this vault).
//
// A credential left empty here is not created: set it later with
//   az keyvault secret set --vault-name <vault> --name kafka-password --value <secret>
// (as secretsOfficerPrincipalId, who may write secrets) so that it never passes through a
// deployment parameter. The app picks up a new version of an
// unversioned reference within 24 hours, or at once when its configuration changes or it restarts.

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
    publicNetworkAccess: 'Enabled'
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

output name string = vault.name
@description('The vault URI, ending with a slash.')
output uri string = vault.properties.vaultUri
output contentConnectionSecretName string = contentConnectionSecretName
