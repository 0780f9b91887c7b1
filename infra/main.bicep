// Telesales contacts: the Kafka-triggered Function App and everything it needs, in one resource
// group. Deploy with `azd up` (azure.yaml) or `az deployment group create` (see docs/deployment.md, "Deploy to Azure").
//
// Private by default: SQL, Key Vault and the host storage account have no public endpoint; the
// app is integrated into a virtual network and reaches them through private endpoints with their
// private DNS zones. A development deployment may open SQL and Key Vault (never storage) to listed
// public addresses (publicNetworkAccessForDevelopment), never to "all Azure services".
//
// Identities, each with only what it signs in for (docs/security.md):
// * host: the platform and the Functions host (storage, the deployment container, Key Vault
//   references, Application Insights ingestion);
// * customers: the customer projection's database user (BANK2_URL);
// * payments: the payment processor's database user (PAYMENTS_DB_URL).
// No password, key or connection string is stored in an app setting or returned as an output: the
// Kafka SASL credentials (and, on Elastic Premium only, the content share's connection string) live
// in Key Vault and app settings hold @Microsoft.KeyVault references to them.
//
// Diagnostics: SQL auditing, Key Vault's audit log, storage access logs and the function app's
// logs go to the Log Analytics workspace (core/monitoring.bicep).

targetScope = 'resourceGroup'

// --- Environment ------------------------------------------------------------------------------

@minLength(1)
@maxLength(40)
@description('Name of the environment (azd environment name); part of every resource name.')
param environmentName string

@description('Region of every resource. Flex Consumption is not offered in every region.')
param location string = resourceGroup().location

@description('Tags added to every resource.')
param tags object = {}

// --- Hosting ----------------------------------------------------------------------------------

@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
@description('FlexConsumption (default): serverless, scales per function on Kafka lag. ElasticPremium: always-warm instances, runtime scale monitoring on.')
param hostingPlan string = 'FlexConsumption'

@allowed([
  '3.13'
])
@description('Python version of the Functions worker: 3.13, the newest Azure Functions runs in general availability on Flex Consumption (requirements.txt pins azure-functions 2.x and azure-functions-runtime, which need 3.13 or later).')
param pythonVersion string = '3.13'

@allowed([
  'EP1'
  'EP2'
  'EP3'
])
@description('Elastic Premium size, when hostingPlan is ElasticPremium.')
param elasticPremiumSku string = 'EP1'

@minValue(1)
@maxValue(100)
@description('Partitions of the customer topic (of the larger topic, with the payment processor on). No more instances than partitions can consume, so each function is capped at this count: Flex Consumption\'s maximumInstanceCount (which applies to each function\'s scale group) and Elastic Premium\'s plan and app limits.')
param kafkaTopicPartitions int = 4

@allowed([
  2048
  4096
])
@description('Flex Consumption instance memory.')
param flexInstanceMemoryMB int = 2048

// --- Kafka ------------------------------------------------------------------------------------

@minLength(1)
@description('Bootstrap servers: e.g. pkc-xxxxx.brazilsouth.azure.confluent.cloud:9092, or <namespace>.servicebus.windows.net:9093 for Event Hubs.')
param kafkaBrokerList string

@description('The customer-changes topic (an Event Hub, on Event Hubs).')
param kafkaCustomersTopic string = 'customers'

@description('Consumer group; also the key of the offsets stored in Bank 2.')
param kafkaConsumerGroup string = 'telesales-contacts'

@minValue(1)
@maxValue(2147483647)
@description('Unprocessed messages one instance is expected to hold (KAFKA_LAG_THRESHOLD, the Kafka triggers\' lagThreshold): the scaler asks for ceil(lag / this) instances, at most one per partition. Default: 5,000 events/s per instance for 10 s (docs/capacity.md, section 6); the extension\'s own default is 1000.')
param kafkaLagThreshold int = 50000

@description('Messages per batch (host.json extensions.kafka.maxBatchSize, overridden by an app setting). The extension bounds a batch by count only: its bytes are at most this times the topic\'s max.message.bytes, and the host and worker hold several copies (docs/operations.md, "Batch memory and message size"). 500 suits a topic whose max.message.bytes is 64 KiB; with 1 MiB messages (Event Hubs\' limit) choose 16 to 64.')
@minValue(1)
@maxValue(500)
param kafkaMaxBatchSize int = 500

@allowed([
  'saslSsl'
  'eventHubs'
  'noAuthentication'
])
@description('saslSsl: SASL_SSL with a user name and password (Confluent Cloud API key and secret). eventHubs: the Event Hubs Kafka endpoint, user name $ConnectionString, password the namespace connection string. noAuthentication: plaintext, for a broker inside your private network only.')
param kafkaSecurity string = 'saslSsl'

@allowed([
  'Plain'
  'ScramSha256'
  'ScramSha512'
])
@description('SASL mechanism when kafkaSecurity is saslSsl (Confluent Cloud uses Plain).')
param kafkaSaslMechanism string = 'Plain'

@secure()
@description('Kafka user name (Confluent Cloud API key), stored in Key Vault. Empty: set the kafka-username secret yourself.')
param kafkaUsername string = ''

@secure()
@description('Kafka password (Confluent Cloud API secret, or the Event Hubs connection string), stored in Key Vault. Empty: set the kafka-password secret yourself.')
param kafkaPassword string = ''

@description('Object id of the operator who sets the Kafka secrets in Key Vault (Key Vault Secrets Officer on the vault); empty: nobody.')
param secretsOfficerPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param secretsOfficerPrincipalType string = 'User'

@description('Optional topic to which rejected customer messages are also reported. Empty: none.')
param kafkaDeadLetterTopic string = ''

@description('What a customer dead letter holds: pointer (default: topic, partition, offset, key and reason, no personal data) or original (a copy of the message, CPF and all: the dead-letter topic then needs the customer topic\'s retention and erasure rules).')
@allowed([
  'pointer'
  'original'
])
param kafkaDeadLetterValue string = 'pointer'

// --- Payments (optional second function: docs/payments.md) ---

@description('Card transactions topic. Empty (default): the payment processor is not registered. Set: the three settings below are required too.')
param kafkaTransactionsTopic string = ''

@description('Topic the payment processor answers on.')
param kafkaTransactionResultsTopic string = ''

@description('Consumer group of the payment processor.')
param kafkaPaymentsConsumerGroup string = ''

@description('Dead-letter topic of the payment processor.')
param kafkaPaymentsDeadLetterTopic string = ''

// --- Payment gateway (optional HTTP intake, status and panel: docs/gateway.md) ---

@description('Serve the payment gateway\'s HTTP functions (intake, status, panel) and deploy its dashboard. Needs the payment processor (kafkaTransactionsTopic) and the gateway-fingerprint-key secret in Key Vault, which the operator sets (docs/gateway.md).')
param gatewayEnabled bool = false

@minValue(1)
@description('Requests per minute one account may make to the gateway, per instance (the function\'s own limit; the exact, global one belongs in API Management, docs/gateway.md).')
param gatewayRateLimitPerMinute int = 600

// --- Bank 2 (Azure SQL) -----------------------------------------------------------------------

@minLength(1)
@description('Display name (or UPN) of the Microsoft Entra principal that administers the SQL server and runs the post-deployment script.')
param sqlAdminLogin string

@minLength(36)
@maxLength(36)
@description('Object id of that principal (the application id for an application).')
param sqlAdminObjectId string

@allowed([
  'User'
  'Group'
  'Application'
])
param sqlAdminPrincipalType string = 'User'

@description('Bank 2 database SKU.')
param sqlDatabaseSku object = {
  name: 'S0'
  tier: 'Standard'
}

@minValue(1)
@description('Days a removal marker stays in Bank 2 before it is purged.')
param bank2RemovalMarkerRetentionDays int = 30

@description('The Debezium connector\'s unavailable.value.placeholder (the value it sends for a column it does not have, such as a PostgreSQL TOASTed or SQL Server varchar(max) column an update did not touch). Set it to the connector\'s own setting.')
param debeziumUnavailableValuePlaceholder string = '__debezium_unavailable_value'

// --- Network ----------------------------------------------------------------------------------

@allowed([
  'Disabled'
  'ListedIpAddressesOnly'
])
@description('Disabled (default, production): SQL, Key Vault and storage accept no public traffic; the app uses private endpoints, and operators work from inside the virtual network. ListedIpAddressesOnly (development only): SQL and Key Vault also accept allowedIpAddresses and clientIpAddress on their public endpoints, and nothing else (no "Allow Azure services"); storage stays private.')
param publicNetworkAccessForDevelopment string = 'Disabled'

@description('Public IPv4 addresses (single addresses) admitted to SQL and Key Vault when publicNetworkAccessForDevelopment is ListedIpAddressesOnly; ignored otherwise.')
param allowedIpAddresses array = []

@description('Public IPv4 address of the workstation that runs the post-deployment script, added to allowedIpAddresses; ignored unless publicNetworkAccessForDevelopment is ListedIpAddressesOnly.')
param clientIpAddress string = ''

@description('Address space of the virtual network: /24 subnets 1 (the app) and 2 (private endpoints) are used.')
param virtualNetworkAddressPrefix string = '10.42.0.0/16'

// --- Scaling ----------------------------------------------------------------------------------

@minValue(0)
@description('Flex Consumption: instances kept running for the customer function (always ready, billed while idle; they do not count toward maximumInstanceCount). Default: 1 in production (publicNetworkAccessForDevelopment Disabled), 0 in development, which then scales to zero. Ignored on Elastic Premium, which always keeps one instance warm.')
param customersAlwaysReadyInstances int = (publicNetworkAccessForDevelopment == 'Disabled') ? 1 : 0

// --- Alerts -----------------------------------------------------------------------------------

@description('E-mail address that receives the alerts. Empty: the alert rules fire without notifying anyone.')
param alertEmailAddress string = ''

@minValue(1)
@description('Rejected messages in 15 minutes above which the reject alert fires.')
param rejectAlertThreshold int = 50

// --- Names ------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var env = toLower(environmentName)
var allTags = union(tags, { 'azd-env-name': environmentName })
var functionAppName = 'func-${env}-${resourceToken}'
var isFlex = hostingPlan == 'FlexConsumption'
var publicEndpointsOpen = publicNetworkAccessForDevelopment == 'ListedIpAddressesOnly'
var publicNetworkAccess = publicEndpointsOpen ? 'Enabled' : 'Disabled'
// 0.0.0.0 is never a listed address: as a SQL firewall rule it means "all Azure services".
var listedIpAddresses = publicEndpointsOpen ? filter(empty(clientIpAddress) ? allowedIpAddresses : union(allowedIpAddresses, [clientIpAddress]), address => address != '0.0.0.0') : []
var bank2DatabaseName = 'bank2'
var kafkaUsernameSecretName = 'kafka-username'
var kafkaPasswordSecretName = 'kafka-password'
// The gateway's HMAC key for request fingerprints: set by the operator with az keyvault secret
// set, so that it never passes through a deployment parameter (docs/gateway.md).
var gatewayFingerprintKeySecretName = 'gateway-fingerprint-key'
var kafkaUsesCredentials = kafkaSecurity != 'noAuthentication'
// The customer function's name (adapters/customers/function.py FUNCTION_NAME): Flex Consumption
// scales it, and keeps its always-ready instances, as the group function:project_customers.
var customersFunctionName = 'project_customers'

// What the Kafka trigger is told: protocol and mechanism names as the azure-functions library
// spells them (BrokerProtocol / BrokerAuthenticationMode). Comparisons inside conditionals are
// parenthesised throughout: the tests read these files with a parser that needs it.
var kafkaProtocol = kafkaUsesCredentials ? 'SaslSsl' : 'NotSet'
var kafkaAuthenticationMode = (kafkaSecurity == 'saslSsl') ? kafkaSaslMechanism : ((kafkaSecurity == 'eventHubs') ? 'Plain' : 'NotSet')

// --- Resources --------------------------------------------------------------------------------

// The Functions host's identity: every Azure role the app needs is granted to it alone.
resource hostIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-host-${env}-${resourceToken}'
  location: location
  tags: allTags
}

// The customer projection's database identity: its contained user in Bank 2 (created by the
// post-deployment script) may use the projection's tables only. No Azure role.
resource customersIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-customers-${env}-${resourceToken}'
  location: location
  tags: allTags
}

// The payment processor's database identity: its contained user may use the transactions (and
// record rejects) only. Created whether or not the payment processor is on, so that turning it on
// needs no new grant. No Azure role.
resource paymentsIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-payments-${env}-${resourceToken}'
  location: location
  tags: allTags
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring-deployment'
  params: {
    location: location
    tags: allTags
    logAnalyticsName: 'log-${env}-${resourceToken}'
    applicationInsightsName: 'appi-${env}-${resourceToken}'
    publisherPrincipalId: hostIdentity.properties.principalId
  }
}

module network 'core/network.bicep' = {
  name: 'network-deployment'
  params: {
    location: location
    tags: allTags
    name: 'vnet-${env}-${resourceToken}'
    addressPrefix: virtualNetworkAddressPrefix
    appSubnetDelegation: isFlex ? 'Microsoft.App/environments' : 'Microsoft.Web/serverFarms'
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage-deployment'
  params: {
    location: location
    tags: allTags
    name: 'st${take(resourceToken, 13)}'
    hostingPlan: hostingPlan
    deploymentContainerName: 'app-package-${take(resourceToken, 7)}'
    contentShareName: take(toLower(functionAppName), 63)
    dataPrincipalId: hostIdentity.properties.principalId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module keyVault 'core/keyvault.bicep' = {
  name: 'keyvault-deployment'
  params: {
    location: location
    tags: allTags
    name: 'kv-${resourceToken}'
    readerPrincipalId: hostIdentity.properties.principalId
    secretsOfficerPrincipalId: secretsOfficerPrincipalId
    secretsOfficerPrincipalType: secretsOfficerPrincipalType
    kafkaUsernameSecretName: kafkaUsernameSecretName
    kafkaPasswordSecretName: kafkaPasswordSecretName
    // Event Hubs' Kafka endpoint takes the literal user name $ConnectionString.
    kafkaUsername: (kafkaSecurity == 'eventHubs') ? '$ConnectionString' : kafkaUsername
    kafkaPassword: kafkaUsesCredentials ? kafkaPassword : ''
    contentStorageAccountName: isFlex ? '' : storage.outputs.name
    publicNetworkAccess: publicNetworkAccess
    allowedIpAddresses: listedIpAddresses
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module sql 'core/sql.bicep' = {
  name: 'sql-deployment'
  params: {
    location: location
    tags: allTags
    serverName: 'sql-${env}-${resourceToken}'
    databaseName: bank2DatabaseName
    databaseSku: sqlDatabaseSku
    adminLogin: sqlAdminLogin
    adminObjectId: sqlAdminObjectId
    adminPrincipalType: sqlAdminPrincipalType
    publicNetworkAccess: publicNetworkAccess
    allowedIpAddresses: listedIpAddresses
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// --- Private endpoints: one per sub-resource the app reaches, each with its private DNS zone ----
// (zone names: learn.microsoft.com/azure/private-link/private-endpoint-dns, Azure public cloud).

module sqlPrivateEndpoint 'core/private-endpoint.bicep' = {
  name: 'private-endpoint-sql-deployment'
  params: {
    location: location
    tags: allTags
    name: 'pe-sql-${env}-${resourceToken}'
    serviceId: sql.outputs.id
    groupId: 'sqlServer'
    privateDnsZoneName: 'privatelink${environment().suffixes.sqlServerHostname}'
    subnetId: network.outputs.privateEndpointSubnetId
    virtualNetworkId: network.outputs.id
  }
}

module vaultPrivateEndpoint 'core/private-endpoint.bicep' = {
  name: 'private-endpoint-vault-deployment'
  params: {
    location: location
    tags: allTags
    name: 'pe-kv-${env}-${resourceToken}'
    serviceId: keyVault.outputs.id
    groupId: 'vault'
    // Not derived from environment(): its keyvaultDns suffix is vault.azure.net, while the private
    // link zone is vaultcore (another name in sovereign clouds).
    privateDnsZoneName: 'privatelink.vaultcore.azure.net'
    subnetId: network.outputs.privateEndpointSubnetId
    virtualNetworkId: network.outputs.id
  }
}

// The Functions host uses blobs (keys, leases, the Flex package), queues and tables of its storage.
module blobPrivateEndpoint 'core/private-endpoint.bicep' = {
  name: 'private-endpoint-blob-deployment'
  params: {
    location: location
    tags: allTags
    name: 'pe-blob-${env}-${resourceToken}'
    serviceId: storage.outputs.id
    groupId: 'blob'
    privateDnsZoneName: 'privatelink.blob.${environment().suffixes.storage}'
    subnetId: network.outputs.privateEndpointSubnetId
    virtualNetworkId: network.outputs.id
  }
}

module queuePrivateEndpoint 'core/private-endpoint.bicep' = {
  name: 'private-endpoint-queue-deployment'
  params: {
    location: location
    tags: allTags
    name: 'pe-queue-${env}-${resourceToken}'
    serviceId: storage.outputs.id
    groupId: 'queue'
    privateDnsZoneName: 'privatelink.queue.${environment().suffixes.storage}'
    subnetId: network.outputs.privateEndpointSubnetId
    virtualNetworkId: network.outputs.id
  }
}

module tablePrivateEndpoint 'core/private-endpoint.bicep' = {
  name: 'private-endpoint-table-deployment'
  params: {
    location: location
    tags: allTags
    name: 'pe-table-${env}-${resourceToken}'
    serviceId: storage.outputs.id
    groupId: 'table'
    privateDnsZoneName: 'privatelink.table.${environment().suffixes.storage}'
    subnetId: network.outputs.privateEndpointSubnetId
    virtualNetworkId: network.outputs.id
  }
}

// Elastic Premium runs the app from an Azure Files share (vnetContentShareEnabled on the site).
module filePrivateEndpoint 'core/private-endpoint.bicep' = if (!isFlex) {
  name: 'private-endpoint-file-deployment'
  params: {
    location: location
    tags: allTags
    name: 'pe-file-${env}-${resourceToken}'
    serviceId: storage.outputs.id
    groupId: 'file'
    privateDnsZoneName: 'privatelink.file.${environment().suffixes.storage}'
    subnetId: network.outputs.privateEndpointSubnetId
    virtualNetworkId: network.outputs.id
  }
}

// Every setting the code and its bindings read (adapters/settings.py APP_SETTINGS), plus the
// platform settings that function-app.bicep adds. Secrets only as Key Vault references.
var kafkaUsernameReference = '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${kafkaUsernameSecretName}/)'
var kafkaPasswordReference = '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${kafkaPasswordSecretName}/)'
var applicationSettings = {
  KAFKA_BROKER_LIST: kafkaBrokerList
  KAFKA_CUSTOMERS_TOPIC: kafkaCustomersTopic
  KAFKA_CONSUMER_GROUP: kafkaConsumerGroup
  KAFKA_PROTOCOL: kafkaProtocol
  KAFKA_AUTHENTICATION_MODE: kafkaAuthenticationMode
  KAFKA_USERNAME: kafkaUsesCredentials ? kafkaUsernameReference : ''
  KAFKA_PASSWORD: kafkaUsesCredentials ? kafkaPasswordReference : ''
  KAFKA_DEAD_LETTER_TOPIC: kafkaDeadLetterTopic
  KAFKA_DEAD_LETTER_VALUE: kafkaDeadLetterValue
  // Read when the app is indexed: lagThreshold is a number in the trigger, not a setting name.
  KAFKA_LAG_THRESHOLD: string(kafkaLagThreshold)
  // host.json values can be overridden per deployment by AzureFunctionsJobHost__<path> settings.
  AzureFunctionsJobHost__extensions__kafka__maxBatchSize: string(kafkaMaxBatchSize)
  // ODBC Driver 18 signs in as the customer function's identity (its client id); no password.
  BANK2_URL: 'mssql+pyodbc://${sql.outputs.fullyQualifiedDomainName}/${bank2DatabaseName}?authentication=ActiveDirectoryMsi&client_id=${customersIdentity.properties.clientId}'
  BANK2_REMOVAL_MARKER_RETENTION_DAYS: string(bank2RemovalMarkerRetentionDays)
  DEBEZIUM_UNAVAILABLE_VALUE_PLACEHOLDER: debeziumUnavailableValuePlaceholder
  KAFKA_TRANSACTIONS_TOPIC: kafkaTransactionsTopic
  KAFKA_TRANSACTION_RESULTS_TOPIC: kafkaTransactionResultsTopic
  KAFKA_PAYMENTS_CONSUMER_GROUP: kafkaPaymentsConsumerGroup
  KAFKA_PAYMENTS_DEAD_LETTER_TOPIC: kafkaPaymentsDeadLetterTopic
  // The payment tables live in Bank 2 too, reached on a connection of their own as the payment
  // function's identity, whose database user may use nothing else.
  PAYMENTS_DB_URL: 'mssql+pyodbc://${sql.outputs.fullyQualifiedDomainName}/${bank2DatabaseName}?authentication=ActiveDirectoryMsi&client_id=${paymentsIdentity.properties.clientId}'
  // The gateway's functions are registered only where its key is set: a Key Vault reference.
  GATEWAY_FINGERPRINT_KEY: gatewayEnabled ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${gatewayFingerprintKeySecretName}/)' : ''
  GATEWAY_RATE_LIMIT_PER_MINUTE: string(gatewayRateLimitPerMinute)
  // What azure-identity signs in as when not told otherwise: telemetry ingestion, as the host.
  AZURE_CLIENT_ID: hostIdentity.properties.clientId
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app-deployment'
  params: {
    location: location
    tags: union(allTags, { 'azd-service-name': 'customers' })
    name: functionAppName
    planName: 'plan-${env}-${resourceToken}'
    hostingPlan: hostingPlan
    pythonVersion: pythonVersion
    elasticPremiumSku: elasticPremiumSku
    maximumInstances: kafkaTopicPartitions
    customersFunctionName: customersFunctionName
    customersAlwaysReadyInstances: customersAlwaysReadyInstances
    flexInstanceMemoryMB: flexInstanceMemoryMB
    hostIdentityId: hostIdentity.id
    hostIdentityClientId: hostIdentity.properties.clientId
    customersIdentityId: customersIdentity.id
    paymentsIdentityId: paymentsIdentity.id
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    contentShareName: storage.outputs.contentShareName
    contentConnectionReference: isFlex ? '' : '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${keyVault.outputs.contentConnectionSecretName}/)'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    virtualNetworkSubnetId: network.outputs.appSubnetId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    applicationSettings: applicationSettings
  }
  // The app starts only once the names of its storage, vault and database resolve privately.
  dependsOn: [
    sqlPrivateEndpoint
    vaultPrivateEndpoint
    blobPrivateEndpoint
    queuePrivateEndpoint
    tablePrivateEndpoint
    filePrivateEndpoint
  ]
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts-deployment'
  params: {
    location: location
    tags: allTags
    namePrefix: functionAppName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    alertEmailAddress: alertEmailAddress
    rejectThreshold: rejectAlertThreshold
  }
}

module gatewayDashboard 'app/dashboard.bicep' = if (gatewayEnabled) {
  name: 'gateway-dashboard-deployment'
  params: {
    location: location
    tags: allTags
    name: 'Payment gateway (${env})'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// --- Outputs: names and addresses for the post-deployment script; never a secret --------------

output AZURE_LOCATION string = location
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output HOST_IDENTITY_CLIENT_ID string = hostIdentity.properties.clientId
output CUSTOMERS_IDENTITY_NAME string = customersIdentity.name
output CUSTOMERS_IDENTITY_CLIENT_ID string = customersIdentity.properties.clientId
output PAYMENTS_IDENTITY_NAME string = paymentsIdentity.name
output PAYMENTS_IDENTITY_CLIENT_ID string = paymentsIdentity.properties.clientId
output AZURE_SQL_SERVER_FQDN string = sql.outputs.fullyQualifiedDomainName
output AZURE_SQL_DATABASE_NAME string = bank2DatabaseName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output HOSTING_PLAN string = hostingPlan
output PUBLIC_NETWORK_ACCESS_FOR_DEVELOPMENT string = publicNetworkAccessForDevelopment
