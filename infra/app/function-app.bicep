// The Linux Function App and its plan.
//
// Flex Consumption (default): the runtime and scale limits live in functionAppConfig, the package
// in a blob container reached with the host identity; FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
// linuxFxVersion and ftpsState are not used on this plan (FTP does not exist there at all).
//
// Elastic Premium: the Kafka trigger scales only with runtime scale monitoring on
// (functionsRuntimeScaleMonitoringEnabled), the app runs from an Azure Files content share whose
// connection string is a Key Vault reference, and FTP is disabled.
//
// Either way no more instances than the topic has partitions can consume: the Kafka scaler never
// asks for more, and the plan is capped at that count too. On Flex Consumption each function
// scales in its own group (function:<name>); maximumInstanceCount applies to each group's
// on-demand instances, and the customer function may keep always-ready instances besides.
//
// Identities: the site carries three user-assigned identities. The host identity is the one the
// platform and the Functions host sign in with (host storage, the Flex deployment container, Key
// Vault references, Application Insights ingestion). The customers and payments identities are
// used only by the functions' database connections (client_id in BANK2_URL and PAYMENTS_DB_URL,
// main.bicep) and hold no Azure role. All three are attached to the one app, so code running in
// it can obtain a token for any of them: the split limits what each function's connection may do
// in the database and makes the audit log name the function, it is not isolation between the
// functions.
//
// Network: always integrated into the virtual network (outbound). Flex Consumption routes all
// outbound traffic through it by itself; Elastic Premium is told to (vnetRouteAllEnabled), which
// Key Vault references to a private vault require on Linux ("Use Key Vault references", Access
// network-restricted vaults), and to reach its content share over it (vnetContentShareEnabled,
// formerly WEBSITE_CONTENTOVERVNET).

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
  '3.13'
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

@description('The customer function\'s name: its Flex Consumption scale group is function:<name>.')
param customersFunctionName string

@minValue(0)
@description('Flex Consumption: always-ready instances of the customer function (0: it scales to zero).')
param customersAlwaysReadyInstances int

@allowed([
  2048
  4096
])
param flexInstanceMemoryMB int

@description('Resource id of the host identity: storage, deployment, Key Vault references, telemetry.')
param hostIdentityId string
param hostIdentityClientId string

@description('Resource id of the customer function\'s database identity (BANK2_URL).')
param customersIdentityId string

@description('Resource id of the payment function\'s database identity (PAYMENTS_DB_URL).')
param paymentsIdentityId string

param storageAccountName string
param deploymentContainerName string
param contentShareName string

@description('Key Vault reference to the content share connection string (Elastic Premium only).')
param contentConnectionReference string

param applicationInsightsName string

@description('Subnet for outbound traffic into the virtual network (delegated to the plan\'s integration service).')
param virtualNetworkSubnetId string

@description('Resource id of the Log Analytics workspace that receives the function app\'s logs.')
param logAnalyticsWorkspaceId string

@description('The application\'s own settings (main.bicep); platform settings are added here.')
param applicationSettings object

var isFlex = hostingPlan == 'FlexConsumption'

// Always-ready instances per scale group: HTTP, Blob (Event Grid) and Durable triggers share the
// groups http, blob and durable; every other function, such as a Kafka trigger, is its own group,
// named function:<name> ("Set always ready instance counts", Flex Consumption how-to).
var flexAlwaysReady = (customersAlwaysReadyInstances == 0) ? [] : [
  {
    name: 'function:${customersFunctionName}'
    instanceCount: customersAlwaysReadyInstances
  }
]

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
      '${hostIdentityId}': {}
      '${customersIdentityId}': {}
      '${paymentsIdentityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: isFlex ? null : true
    httpsOnly: true
    keyVaultReferenceIdentity: hostIdentityId
    virtualNetworkSubnetId: virtualNetworkSubnetId
    vnetContentShareEnabled: isFlex ? null : true
    functionAppConfig: isFlex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: hostIdentityId
          }
        }
      }
      scaleAndConcurrency: {
        // Per function group; the lowest value Flex Consumption accepts is now 1 (it was 40).
        maximumInstanceCount: maximumInstances
        alwaysReady: flexAlwaysReady
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
      vnetRouteAllEnabled: isFlex ? null : true
    }
  }
}

// Host storage through the host identity, and Entra-authenticated telemetry (the Application
// Insights resource refuses key-only ingestion).
var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: hostIdentityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${hostIdentityClientId};Authorization=AAD'
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

// The Functions host's and the functions' own logs, to Log Analytics as well as Application
// Insights (FunctionAppLogs, the function app log category of Microsoft.Web/sites).
resource siteDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'function-app-logs'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
