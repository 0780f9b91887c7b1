// The host storage account. The app's host identity reaches it through Microsoft Entra (the
// AzureWebJobsStorage__* settings); nothing in it is public.
//
// Network: no public endpoint in any deployment (publicNetworkAccess Disabled, firewall default
// Deny, no trusted-service bypass), as in Microsoft's Flex Consumption quickstart with its virtual
// network on (Azure-Samples/functions-quickstart-python-http-azd, infra/main.bicep). The app
// reaches blob, queue and table (and on Elastic Premium the file content share) through private
// endpoints (main.bicep). Nothing outside the virtual network needs this account: deployment
// tools send the package to the app's deployment endpoint and the platform writes it into the
// container (the quickstart above deploys to a closed account that way; not run here).
//
// Flex Consumption deploys the app package to a blob container with the identity, so shared-key
// access is switched off. Elastic Premium runs the app from an Azure Files content share, and
// Azure Files accepts only a key-based connection string there: shared keys stay on for that plan
// and the connection string goes to Key Vault (keyvault.bicep), never into an app setting.

param location string
param tags object
param name string

@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string

param deploymentContainerName string
param contentShareName string

@description('Principal id of the identity the Functions host signs in with.')
param dataPrincipalId string

@description('Resource id of the Log Analytics workspace that receives the access logs.')
param logAnalyticsWorkspaceId string

var isFlex = hostingPlan == 'FlexConsumption'

// Storage Blob Data Owner, Queue Data Contributor, Table Data Contributor: what the Functions host
// needs for its own storage with an identity-based connection.
var dataRoleIds = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: !isFlex
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      bypass: 'None'
      defaultAction: 'Deny'
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = if (isFlex) {
  parent: blobs
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource files 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = if (!isFlex) {
  parent: account
  name: 'default'
}

// Created here because the app skips the content share validation (its connection string is a
// Key Vault reference, which the platform cannot resolve while it validates).
resource contentShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = if (!isFlex) {
  parent: files
  name: contentShareName
}

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in dataRoleIds: {
  name: guid(account.id, dataPrincipalId, roleId)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: dataPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

// Who read, wrote or deleted what, per service (StorageRead/Write/Delete: the log categories of
// the blob, queue, table and file services), to Log Analytics.
var accessLogs = [
  {
    category: 'StorageRead'
    enabled: true
  }
  {
    category: 'StorageWrite'
    enabled: true
  }
  {
    category: 'StorageDelete'
    enabled: true
  }
]

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'blob-access'
  scope: blobs
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: accessLogs
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'queue-access'
  scope: queues
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: accessLogs
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'table-access'
  scope: tables
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: accessLogs
  }
}

resource fileDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!isFlex) {
  name: 'file-access'
  scope: files
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: accessLogs
  }
}

output id string = account.id
output name string = account.name
output deploymentContainerName string = deploymentContainerName
output contentShareName string = contentShareName
output blobEndpoint string = account.properties.primaryEndpoints.blob
