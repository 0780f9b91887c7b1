// The Linux Function App and its plan.
//
// Flex Consumption (default): the runtime and scale limits live in functionAppConfig, the package
// in a blob container reached with the identity; FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
// linuxFxVersion and ftpsState are not used on this plan (FTP does not exist there at all).
//
// Elastic Premium: the Kafka trigger scales only with runtime scale monitoring on
// (functionsRuntimeScaleMonitoringEnabled), the app runs from an Azure Files content share whose
// connection string is a Key Vault reference, and FTP is disabled.
//
// Either way no more instances than the topic has partitions can consume: the Kafka scaler never
// asks for more, and Elastic Premium is also capped at that count here.

param location string
param tags object
param name string
param planName string

@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string

@allowed([
  '3.11'
  '3.12'
])
param pythonVersion string

@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumSku string

@minValue(1)
@description('Most instances that can do work: the Kafka topic partitions.')
param maximumInstances int

@allowed([
  2048
  4096
])
param flexInstanceMemoryMB int

@description('Resource id of the user-assigned identity.')
param identityId string
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param contentShareName string

@description('Key Vault reference to the content share connection string (Elastic Premium only).')
param contentConnectionReference string

param applicationInsightsName string

@description('Subnet for outbound traffic into the virtual network; empty: none.')
param virtualNetworkSubnetId string

@description('The application\'s own settings (main.bicep); platform settings are added here.')
param applicationSettings object

var isFlex = hostingPlan == 'FlexConsumption'
var integrated = !empty(virtualNetworkSubnetId)
var routeAllThroughNetwork = integrated && !isFlex // Flex Consumption routes through it anyway

// The lowest maximum instance count Flex Consumption accepts is 40; the Kafka scaler still never
// runs more instances than there are partitions.
var flexMaximumInstances = max(40, maximumInstances)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex ? {
    name: 'FC1'
    tier: 'FlexConsumption'
  } : {
    name: elasticPremiumSku
    tier: 'ElasticPremium'
    family: 'EP'
  }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: isFlex ? null : maximumInstances
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: isFlex ? null : true
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: integrated ? virtualNetworkSubnetId : null
    functionAppConfig: isFlex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: flexMaximumInstances
        instanceMemoryMB: flexInstanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: pythonVersion
      }
    } : null
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: isFlex ? null : 'Disabled'
      linuxFxVersion: isFlex ? null : 'Python|${pythonVersion}'
      functionsRuntimeScaleMonitoringEnabled: isFlex ? null : true
      functionAppScaleLimit: isFlex ? null : maximumInstances
      minimumElasticInstanceCount: isFlex ? null : 1
      vnetRouteAllEnabled: routeAllThroughNetwork ? true : null
    }
  }
}

// Host storage through the identity, and Entra-authenticated telemetry (the Application Insights
// resource refuses key-only ingestion).
var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var premiumSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'python'
  WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: contentConnectionReference
  WEBSITE_CONTENTSHARE: contentShareName
  // The platform cannot resolve a Key Vault reference while it validates the share; the share is
  // created by storage.bicep instead.
  WEBSITE_SKIP_CONTENTSHARE_VALIDATION: '1'
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(applicationSettings, hostSettings, isFlex ? {} : premiumSettings)
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
