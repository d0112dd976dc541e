import { InputError } from '@backstage/errors';
import {
  ISTIO_MESSAGE_TYPES,
  listAnalyzers,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { authorizeCaller, type ActionServices } from './actionServices';
import {
  playbookLink,
  playbookLinkSchema,
  templateLink,
  templateLinkSchema,
} from './scorecardDigest';

/** An upstream rule code with Istio's name for it, where it is one of Istio's. */
function upstreamRule(code: string) {
  const istio = (
    ISTIO_MESSAGE_TYPES as Record<string, { name: string; level: string }>
  )[code];
  return istio ? { code, name: istio.name, level: istio.level } : { code };
}

/** What a program says about one of its checks or checklist items. */
function explain(program: Program, id: string) {
  const playbookOf = (playbookId?: string) =>
    playbookLink(program.spec.playbooks.find(p => p.id === playbookId));
  const templateOf = (templateId?: string) =>
    templateLink(program.spec.templates.find(t => t.id === templateId));
  const phaseOf = (phaseId: string) => ({
    id: phaseId,
    title: program.spec.phases.find(p => p.id === phaseId)?.title ?? phaseId,
  });
  const common = {
    programId: program.metadata.name,
    programVersion: program.metadata.version,
    mesh: program.spec.mesh,
  };
  const check = program.spec.checks.find(c => c.id === id);
  if (check) {
    const analyzer = listAnalyzers().find(a => a.id === check.analyzer);
    const playbook = playbookOf(check.playbook);
    const template = templateOf(check.template);
    return {
      ...common,
      kind: 'check' as const,
      id: check.id,
      title: check.title,
      description: check.rationale,
      severity: check.severity,
      phase: phaseOf(check.phase),
      evidence: [...check.evidence],
      rule: {
        analyzer: check.analyzer,
        ...(analyzer ? { title: analyzer.title, meshes: analyzer.mesh } : {}),
        ...(check.params && Object.keys(check.params).length
          ? { params: JSON.stringify(check.params) }
          : {}),
      },
      upstream: (analyzer?.upstream ?? []).map(upstreamRule),
      remediation: check.remediation,
      ...(playbook ? { playbook } : {}),
      ...(template ? { template } : {}),
    };
  }
  const item = program.spec.checklist.find(i => i.id === id);
  if (item) {
    const playbook = playbookOf(item.playbook);
    const template = templateOf(item.template);
    return {
      ...common,
      kind: 'checklist' as const,
      id: item.id,
      title: item.title,
      description: item.description,
      severity: item.severity,
      phase: phaseOf(item.phase),
      evidence: [],
      rule: {
        attestedBy: [...item.roles],
        ...(item.expiresAfter ? { expiresAfter: item.expiresAfter } : {}),
      },
      upstream: [],
      ...(playbook ? { playbook } : {}),
      ...(template ? { template } : {}),
    };
  }
  return undefined;
}

/**
 * `explain-check`: what a check (or checklist item) of a program in force
 * is, why it matters, the rule behind it with the upstream rules it
 * corresponds to, and how to fix it — the CLI's `explain`, from the
 * programs the portal runs.
 */
export function registerExplainCheckAction(services: ActionServices) {
  const { programs } = services;
  services.actionsRegistry.register({
    name: 'explain-check',
    title: 'Explain a Mesh Readiness check',
    description: `Explains a check or checklist item of the Mesh Readiness programs in force: its title, why it matters, its severity and phase, the rule that decides it (the engine's analyzer and its parameters, or who attests a checklist item), the upstream rules it corresponds to (Istio analyzer codes IST…, Kiali KIA…, Linkerd checks), its remediation, playbook and template.
Without programId, every program in force that has the check is explained. Needs the mesh-readiness.scorecard.read permission.`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z
          .object({
            checkId: z
              .string()
              .min(1)
              .max(200)
              .describe('A check or checklist item id, e.g. k8s.svc.protocol'),
            programId: z
              .string()
              .min(1)
              .optional()
              .describe('The program, e.g. istio-adoption'),
          })
          .strict(),
      output: z =>
        z.object({
          explanations: z.array(
            z.object({
              programId: z.string(),
              programVersion: z.string(),
              mesh: z.string(),
              kind: z.enum(['check', 'checklist']),
              id: z.string(),
              title: z.string(),
              description: z.string(),
              severity: z.string(),
              phase: z.object({ id: z.string(), title: z.string() }),
              evidence: z
                .array(z.string())
                .describe('Evidence sources the check reads'),
              rule: z.object({
                analyzer: z.string().optional(),
                title: z.string().optional(),
                meshes: z.array(z.string()).optional(),
                params: z
                  .string()
                  .optional()
                  .describe("The program's parameters, as JSON"),
                attestedBy: z.array(z.string()).optional(),
                expiresAfter: z.string().optional(),
              }),
              upstream: z.array(
                z.object({
                  code: z.string(),
                  name: z.string().optional(),
                  level: z.string().optional(),
                }),
              ),
              remediation: z.string().optional(),
              playbook: playbookLinkSchema(z).optional(),
              template: templateLinkSchema(z).optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorizeCaller(services, credentials);
      let inScope: Program[];
      if (input.programId !== undefined) {
        const program = programs.get(input.programId);
        if (!program) {
          throw new InputError(
            `programId: no program "${input.programId}" is in force`,
          );
        }
        inScope = [program];
      } else {
        inScope = programs.programs();
      }
      const explanations = inScope.flatMap(program => {
        const explained = explain(program, input.checkId);
        return explained ? [explained] : [];
      });
      if (explanations.length === 0) {
        throw new InputError(
          `checkId: no check or checklist item "${input.checkId}" in ${
            inScope.map(p => p.metadata.name).join(', ') ||
            'the programs in force (none)'
          }`,
        );
      }
      return { output: { explanations } };
    },
  });
}
