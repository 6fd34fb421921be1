'use strict';

/**
 * Every function here has a role of its own (serverless-iam-roles-per-function), but the framework
 * still creates its shared default role, IamRoleLambdaExecution, and keeps adding to it whatever
 * the events imply (SQS receive/delete for a queue-triggered function, stream reads…). Attached to
 * nothing, it is a standing grant nobody needs. This removes it from the template once every
 * function has its own role, and refuses to remove it while anything still refers to it.
 */
const ROLE = 'IamRoleLambdaExecution';

function refersTo(value, id) {
  if (Array.isArray(value)) return value.some((v) => refersTo(v, id));
  if (value && typeof value === 'object') {
    if (value.Ref === id) return true;
    const getAtt = value['Fn::GetAtt'];
    if (getAtt && (Array.isArray(getAtt) ? getAtt[0] === id : String(getAtt).split('.')[0] === id)) return true;
    if (typeof value['Fn::Sub'] === 'string' && value['Fn::Sub'].includes(`\${${id}`)) return true;
    return Object.values(value).some((v) => refersTo(v, id));
  }
  return false;
}

class DropUnusedDefaultRole {
  constructor(serverless) {
    this.hooks = {
      'before:package:finalize': () => {
        const template = serverless.service.provider.compiledCloudFormationTemplate;
        if (!template.Resources[ROLE]) return;
        const users = Object.entries(template.Resources).filter(([id, r]) => {
          if (id === ROLE) return false;
          const dependsOn = [].concat(r.DependsOn ?? []);
          return dependsOn.includes(ROLE) || refersTo(r.Properties, ROLE);
        });
        const outputs = Object.values(template.Outputs ?? {}).some((o) => refersTo(o, ROLE));
        if (users.length > 0 || outputs) return;
        delete template.Resources[ROLE];
      },
    };
  }
}

module.exports = DropUnusedDefaultRole;
