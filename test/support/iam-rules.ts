import { functionModels, label, lambdaRoleIds, roleModel, service, type CfnTemplate, type RoleModel } from '../../scripts/lib/iam-model';

/**
 * The least-privilege rules every function role must keep (issue 7). Rule-based, never a list of
 * today's functions: a role added tomorrow is checked the same way. Each violation is one line
 * naming the function (or role), the rule and the offending action or resource.
 */

/** Actions with no resource-level permissions in IAM: the only ones that may name `*`. */
export const STAR_RESOURCE_ACTIONS = new Set(['xray:puttracesegments', 'xray:puttelemetryrecords', 'cloudwatch:putmetricdata']);

/**
 * Function keys allowed to Scan (issue 7: backup and insights only; issue 13: the one-off
 * credential migration, which must visit every user item) and to export tables.
 */
export const SCAN_ALLOWED = /backup|restore|insights|migration/i;
/** The data-rights functions (docs/data-rights.md): they find a person's security reports by a filtered Scan of the incidents table, and nothing else. */
export const INCIDENT_SCAN_ALLOWED = /^(meExport|meDelete|opsCustomers)$/;
/** Who may compute the deletion ledger's keyed digests: the deletion itself, and the restores and drills that apply the ledger. */
export const LEDGER_DIGESTERS = /^(meDelete|opsCustomers|opsBackups|backupsRestoreDrill)$/;
export const EXPORT_ALLOWED = /backup/i;

/**
 * What kms:Decrypt is for here: reading a secret, a KMS-encrypted S3 object, a table import/export,
 * or a queue encrypted with the stage key (producers need it as well as consumers).
 */
const DECRYPT_NEEDED_BY = ['secretsmanager:getsecretvalue', 's3:getobject', 'dynamodb:importtable', 'dynamodb:exporttabletopointintime', 'sqs:sendmessage', 'sqs:receivemessage'];
/** Functions that open an envelope-sealed item (a KMS data key stored beside it): the authenticator-app secret (issue 23). */
const ENVELOPE_OPENERS = /^mfaTotpConfirm$/;

/**
 * Nothing may change or remove an audit entry, nor the audit table's protections. Restoring the
 * audit table (RestoreTableToPointInTime) only reads it as the source of a new table, so the
 * backups restore path may name it.
 */
const AUDIT_FORBIDDEN = new Set(
  ['UpdateItem', 'DeleteItem', 'BatchWriteItem', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete', 'DeleteTable', 'UpdateTable', 'UpdateTimeToLive'].map((a) => `dynamodb:${a.toLowerCase()}`),
);
const AUDIT_TABLE = /\$\{AuditTable(\.Arn)?\}|:table\/[^/]*-audit(\/|$)/;

/**
 * The audit chain's key and anchor (sls/resources/audit.yml). Only an audit writer (a role that
 * appends to the audit table) may generate the chain's MAC or write an anchor; nobody may remove
 * an anchor, shorten its retention or loosen the bucket that locks it.
 */
const AUDIT_MAC_KEY = /\$\{AuditMacKey(\.Arn)?\}/;
const AUDIT_ANCHORS = /\$\{AuditAnchorBucket(\.Arn)?\}|arn:[^:]+:s3:::[^/]*-audit-anchors/;
const ANCHOR_FORBIDDEN = new Set(
  [
    'DeleteObject',
    'DeleteObjectVersion',
    'PutObjectRetention',
    'BypassGovernanceRetention',
    'PutObjectLegalHold',
    'PutBucketObjectLockConfiguration',
    'PutBucketVersioning',
    'PutBucketPolicy',
    'DeleteBucketPolicy',
    'PutLifecycleConfiguration',
    'DeleteBucket',
  ].map((a) => `s3:${a.toLowerCase()}`),
);

/**
 * A resource that is not anchored on one named resource: `*`, a `*` in the partition, service,
 * region or account, or a `*`/`?` in the resource's name (`table/*`, `table/helpshelf-prod-*`).
 * Wildcards after a named resource (`${BackupsBucket.Arn}/*`, `${Table.Arn}/index/*`) stay allowed;
 * so does the random six-character suffix of a named Secrets Manager secret (`name-??????`).
 */
export function isWildcardResource(rendered: string): boolean {
  // Pseudo parameters are concrete (one partition, region, account) and contain '::'.
  const resource = rendered.replace(/\$\{AWS::[A-Za-z]+\}/g, 'pseudo');
  if (resource === '*') return true;
  if (!/[*?]/.test(resource)) return false;
  if (/^\$\{(?!AWS::)[A-Za-z0-9]+(\.Arn)?\}(\/|$)/.test(resource)) return false;
  const parts = resource.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return true;
  if (parts.slice(1, 5).some((p) => /[*?]/.test(p))) return true;
  const rest = parts.slice(5).join(':');
  // S3 ARNs have no resource type (`arn:aws:s3:::bucket/key`); others do (`table/name`, `secret:name`).
  const [type, name = ''] = parts[2] === 's3' ? ['', rest] : (/^([a-z-]+)[/:](.*)$/.exec(rest)?.slice(1) ?? ['', rest]);
  const firstName = name.split('/')[0];
  if (type === 'secret' && /^[^*?]+-(\*|\?{6})$/.test(firstName)) return false;
  return /[*?]/.test(type ? firstName : rest.split('/')[0]);
}

/**
 * Backup functions create tables at run time (restore-drill scratch tables, restored tables), so
 * they may name a stage-scoped prefix of their own: `table/<service>-<stage>-drill-*` and
 * `-restored-*`, nothing wider, and only backup/restore functions.
 */
export function isScratchTable(key: string | undefined, resource: string, stagePrefix: string): boolean {
  if (!key || !/backup|restore/i.test(key)) return false;
  const concrete = resource.replace(/\$\{AWS::[A-Za-z]+\}/g, 'pseudo');
  const escaped = stagePrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`:dynamodb:[^:]+:[^:]+:table/${escaped}-(drill|restored)-\\*(/.*)?$`).test(concrete);
}

function roleViolations(who: string, key: string | undefined, functionName: string | undefined, role: RoleModel, tracingActive: boolean, stagePrefix: string): string[] {
  const out: string[] = [];
  const allows = role.statements.filter((s) => s.effect === 'Allow');
  const granted = new Set(allows.flatMap((s) => s.actions.map((a) => a.toLowerCase())));
  // An audit writer: a role that inserts into the audit table.
  const appendsAudit = allows.some((s) => s.actions.some((a) => a.toLowerCase() === 'dynamodb:putitem') && s.resources.some((r) => AUDIT_TABLE.test(r)));
  if (role.managedPolicyArns.length) out.push(`${who}: managed policies ${role.managedPolicyArns.join(', ')} (name each permission inline)`);
  for (const s of allows) {
    if (s.notAction || s.notResource) out.push(`${who}: a NotAction/NotResource statement grants everything it does not name`);
    for (const action of s.actions) {
      const a = action.toLowerCase();
      if (a.includes('*')) out.push(`${who}: wildcard action ${action}`);
      for (const resource of s.resources) {
        if (service(a) === 'logs') {
          const ownGroup = functionName ? resource.includes(`:log-group:/aws/lambda/${functionName}:`) && !/log-group:[^:]*[*?]/.test(resource) : false;
          const stageGroups = !functionName && resource.includes(`:log-group:/aws/lambda/${stagePrefix}`);
          // DynamoDB ImportTable writes its error log to /aws-dynamodb/imports, as the caller.
          const importLogs = Boolean(key && /backup|restore/i.test(key)) && resource.includes(':log-group:/aws-dynamodb/');
          if (!ownGroup && !stageGroups && !importLogs) out.push(`${who}: ${action} on ${label(resource)} (only its own log group)`);
        } else if (isWildcardResource(resource) && !STAR_RESOURCE_ACTIONS.has(a) && !isScratchTable(key, resource, stagePrefix)) {
          out.push(`${who}: ${action} on wildcard resource ${label(resource)}`);
        }
        if (AUDIT_FORBIDDEN.has(a) && AUDIT_TABLE.test(resource)) out.push(`${who}: ${action} on the audit table (it is append-only)`);
        if (ANCHOR_FORBIDDEN.has(a) && AUDIT_ANCHORS.test(resource)) out.push(`${who}: ${action} on the audit anchor bucket (anchors are never removed)`);
        if (a === 's3:putobject' && AUDIT_ANCHORS.test(resource) && !appendsAudit) out.push(`${who}: s3:PutObject on the audit anchor bucket but it does not append to the audit log`);
        if (a === 'kms:generatemac' && !(appendsAudit && AUDIT_MAC_KEY.test(resource)) && !(key && LEDGER_DIGESTERS.test(key) && /DeletionLedgerKey/.test(resource))) {
          out.push(`${who}: kms:GenerateMac on ${label(resource)} (only audit writers, on the audit MAC key)`);
        }
      }
      const incidentScan = Boolean(key && INCIDENT_SCAN_ALLOWED.test(key)) && s.resources.every((r) => /IncidentsTable/.test(r) && !/index/.test(r));
      if (a === 'dynamodb:scan' && !(key && SCAN_ALLOWED.test(key)) && !incidentScan) out.push(`${who}: dynamodb:Scan outside backup and insights functions`);
      if (a === 'dynamodb:exporttabletopointintime' && !(key && EXPORT_ALLOWED.test(key))) out.push(`${who}: dynamodb:ExportTableToPointInTime outside backups functions`);
      if (a === 'kms:decrypt' && !DECRYPT_NEEDED_BY.some((n) => granted.has(n)) && !(key && ENVELOPE_OPENERS.test(key))) out.push(`${who}: kms:Decrypt but it reads no secret, encrypted object or table export`);
    }
  }
  if (tracingActive && !(granted.has('xray:puttracesegments') && granted.has('xray:puttelemetryrecords'))) {
    out.push(`${who}: Active tracing without xray:PutTraceSegments and xray:PutTelemetryRecords (Lambda refuses to create it)`);
  }
  return out;
}

/** Every violation in the template, or [] when every role keeps the rules. */
export function leastPrivilegeViolations(template: CfnTemplate, stage = 'prod', serviceName = 'helpshelf'): string[] {
  const out: string[] = [];
  const stagePrefix = `${serviceName}-${stage}`;
  const functions = functionModels(template, stage, serviceName);
  const used = new Set(functions.map((f) => f.role.roleId));
  for (const f of functions) {
    out.push(...roleViolations(`function ${f.key}`, f.key, f.functionName, f.role, f.tracingActive, stagePrefix));
    if (f.key.startsWith('ops')) {
      for (const t of f.triggers) out.push(`function ${f.key}: an ops function with trigger "${t}" (ops functions are invoked directly only)`);
      for (const [id, r] of Object.entries(template.Resources)) {
        if (r.Type !== 'AWS::Lambda::Permission') continue;
        const target = JSON.stringify(r.Properties?.FunctionName ?? '');
        if (!target.includes(f.logicalId) && !target.includes(f.functionName)) continue;
        out.push(`function ${f.key}: ${id} lets ${render(r.Properties?.Principal)} invoke an ops function`);
      }
    }
  }
  // Roles no function uses (e.g. the framework's default role) must not grant more than logs and traces.
  // The framework still creates its shared default role (IamRoleLambdaExecution) although every
  // function has its own: it may keep the stage's log groups and X-Ray writes, nothing else.
  for (const roleId of lambdaRoleIds(template).filter((id) => !used.has(id))) {
    const role = roleModel(template, roleId);
    const who = `role ${roleId} (used by no function)`;
    out.push(...roleViolations(who, undefined, undefined, role, false, stagePrefix));
    for (const s of role.statements.filter((st) => st.effect === 'Allow')) {
      for (const action of s.actions) if (!['logs', 'xray'].includes(service(action))) out.push(`${who}: ${action} (an unused role may only keep logs and traces)`);
    }
  }
  return out;
}

function render(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
