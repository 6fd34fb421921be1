// What the backup functions cover, derived from the one list of tables (sls/resources/tables.js)
// so a new table is backed up without touching the backups configuration.
//   env:         BACKUP_TABLES for the functions: `accounts=helpshelf-prod-accounts:critical,…`
//   tableArns:   every table's ARN (DescribeTable, ExportTableToPointInTime, RestoreTableToPointInTime)
//   exportArns:  every table's exports (DescribeExport)
const { TABLES } = require('./resources/tables.js');

const logicalName = (spec) => spec.name.replace(/Table$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

module.exports = async ({ resolveVariable }) => {
  const entries = [];
  for (const spec of TABLES) {
    const name = await resolveVariable(`self:custom.names.${spec.name}`);
    entries.push(`${logicalName(spec)}=${name}${spec.critical ? ':critical' : ''}`);
  }
  return {
    env: entries.join(','),
    tableArns: TABLES.map((spec) => ({ 'Fn::GetAtt': [spec.logicalId, 'Arn'] })),
    exportArns: TABLES.map((spec) => ({ 'Fn::Sub': `\${${spec.logicalId}.Arn}/export/*` })),
  };
};
