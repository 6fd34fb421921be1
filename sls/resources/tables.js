// The DynamoDB tables of every stage, built from one compact list so each table carries the same
// protections: PITR with the 35-day window, encryption with the stage's KMS key, TTL clean-up on
// `ttl` (epoch seconds) and, outside `local`, deletion protection and a Retain policy.
// `critical` tables also get incremental exports (see the backups functions).
const TABLES = [
  { logicalId: 'AccountsTable', name: 'accountsTable', gsi1: true, critical: true },
  { logicalId: 'TokensTable', name: 'tokensTable', gsi1: true, critical: true },
  { logicalId: 'BillingTable', name: 'billingTable', critical: true },
  { logicalId: 'RateLimitsTable', name: 'rateLimitsTable' },
  { logicalId: 'IncidentsTable', name: 'incidentsTable', gsi1: true, critical: true },
  { logicalId: 'AuditTable', name: 'auditTable', critical: true },
  { logicalId: 'BackupsTable', name: 'backupsTable' },
  { logicalId: 'ConnectionsTable', name: 'connectionsTable', critical: true },
  // Grants and the customers' access logs (issue 24, lib/access/dynamo-access-store.ts).
  { logicalId: 'AccessTable', name: 'accessTable', gsi1: true, critical: true },
];

function table(spec, tableName, deletionProtection) {
  const attributes = [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ];
  const properties = {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: attributes,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
    SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { Ref: 'DataKey' } },
    TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    DeletionProtectionEnabled: deletionProtection,
    Tags: [{ Key: 'backup-tier', Value: spec.critical ? 'critical' : 'standard' }],
  };
  if (spec.gsi1) {
    attributes.push({ AttributeName: 'gsi1pk', AttributeType: 'S' }, { AttributeName: 'gsi1sk', AttributeType: 'S' });
    properties.GlobalSecondaryIndexes = [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ];
  }
  if (spec.stream) properties.StreamSpecification = { StreamViewType: spec.stream };
  return {
    Type: 'AWS::DynamoDB::Table',
    DeletionPolicy: deletionProtection ? 'Retain' : 'Delete',
    UpdateReplacePolicy: deletionProtection ? 'Retain' : 'Delete',
    Properties: properties,
  };
}

module.exports = async ({ resolveVariable }) => {
  const deletionProtection = String(await resolveVariable('param:deletionProtection')) === 'true';
  const Resources = {};
  for (const spec of TABLES) {
    Resources[spec.logicalId] = table(spec, await resolveVariable(`self:custom.names.${spec.name}`), deletionProtection);
  }
  return { Resources };
};

module.exports.TABLES = TABLES;
