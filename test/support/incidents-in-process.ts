import { viaHandler } from './http';
import { incidentTable, type IncidentOps, type IncidentTestEnv } from './incidents';
import { mailTo } from './mail';
import { invokeOps, opsResult } from './ops';

/** The incident ops actions called in-process, as a direct Lambda Invoke would. */
export function inProcessOps(): IncidentOps {
  const call = (action: string, args: Record<string, unknown>) => opsResult<any>('opsIncidents', action, args); // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    list: (status) => call('list', { status }),
    show: (id) => call('show', { id }),
    ack: (id, contact, contactEmail) => call('ack', { id, contact, contactEmail }),
    update: (id, message, isPublic) => call('update', { id, message, public: isPublic }),
    status: (id, status) => call('status', { id, status }),
    publish: (id, title, summary, credits) => call('publish', { id, title, summary, credits }),
    escalate: (now) => call('escalate', { now }),
    async refused(action, ...a) {
      const args =
        action === 'ack' ? { id: a[0], contact: a[1] } : action === 'status' ? { id: a[0], status: a[1] } : { id: a[0], title: a[1], summary: a[2] };
      const outcome = await invokeOps('opsIncidents', action, args);
      if (outcome.ok) throw new Error(`ops ${action} unexpectedly succeeded`);
      return { code: outcome.error.code, message: outcome.error.message };
    },
  };
}

export function inProcessEnv(): IncidentTestEnv {
  return { send: viaHandler, ops: inProcessOps(), mailTo: (a) => mailTo(a), table: incidentTable(process.env.HELPSHELF_TEST_EMULATOR!) };
}
