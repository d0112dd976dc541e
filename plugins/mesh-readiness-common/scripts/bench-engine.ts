/*
 * Engine benchmark (DESIGN.md section 7: engine alone ≤ 0.7 ms CPU per
 * entity, on the same input as the full backend evaluation).
 *
 * Evaluates the benchmarks' services (benchFixtures.ts, the input the
 * backend benches serve through their catalog and manifest servers: 11
 * objects and about 6 KB of manifests, attestations, waivers and callers
 * per service) against the shipped Istio program. Nothing is mocked: the
 * engine gets its facts as the backend hands them over. Input is generated
 * in batches outside the timed section. Peak memory is the kernel's
 * (VmHWM of /proc/self/status), input generation included.
 *
 *   yarn workspace @mesh-readiness/plugin-mesh-readiness-common bench [entities]
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  evaluate,
  parseManifests,
  loadProgram,
  serializeScorecard,
  type EntityFacts,
  type Scorecard,
} from '../src';
import { benchEntityFacts, describeBenchInput } from './benchFixtures';

const ENTITIES = Number(process.argv[2] ?? 10_000);
const BATCH = 500;

function main() {
  const programFile = path.resolve(
    __dirname,
    '../programs/istio-adoption.yaml',
  );
  const loaded = loadProgram(
    fs.readFileSync(programFile, 'utf8'),
    'programs/istio-adoption.yaml',
  );
  if (!loaded.ok) {
    for (const p of loaded.problems) {
      process.stderr.write(
        `${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}\n`,
      );
    }
    process.exit(1);
  }
  const program = loaded.program;

  const phases = new Map<string, number>();
  const statuses = new Map<string, number>();
  let evaluateNs = 0n;
  // CPU time next to wall time: on a shared machine the wall clock also
  // counts the time other processes held the cores.
  let evaluateCpuMs = 0;
  let parseCpuMs = 0;
  let serializeCpuMs = 0;
  let bytes = 0;
  let objects = 0;
  for (let start = 0; start < ENTITIES; start += BATCH) {
    const batch: EntityFacts[] = [];
    for (let i = start; i < Math.min(ENTITIES, start + BATCH); i++) {
      batch.push(benchEntityFacts(i, ENTITIES));
    }
    const cards: Scorecard[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const facts of batch) {
      cards.push(evaluate(program, facts));
    }
    const t1 = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpu0);
    evaluateCpuMs += (cpu.user + cpu.system) / 1000;
    // The same manifests parsed again on their own, to show what share of
    // the evaluation is YAML parsing (the engine parses once per entity).
    const parse0 = process.cpuUsage();
    for (const facts of batch) {
      parseManifests(facts.manifests ?? [], undefined, {
        defaultNamespace: 'infer',
      });
    }
    const parseCpu = process.cpuUsage(parse0);
    parseCpuMs += (parseCpu.user + parseCpu.system) / 1000;
    const serialize0 = process.cpuUsage();
    for (const card of cards) {
      bytes += serializeScorecard(card).length;
    }
    const serializeCpu = process.cpuUsage(serialize0);
    serializeCpuMs += (serializeCpu.user + serializeCpu.system) / 1000;
    evaluateNs += t1 - t0;
    for (const card of cards) {
      phases.set(card.phase, (phases.get(card.phase) ?? 0) + 1);
      for (const check of card.checks) {
        statuses.set(check.status, (statuses.get(check.status) ?? 0) + 1);
      }
    }
    for (const facts of batch) {
      for (const file of facts.manifests ?? []) {
        objects += file.content.split(/^kind: /m).length - 1;
      }
    }
  }

  const totalMs = Number(evaluateNs) / 1e6;
  // The kernel's peak resident set, as an outsider would measure it.
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(
    fs.readFileSync('/proc/self/status', 'utf8'),
  );
  const peak = hwm
    ? `${(Number(hwm[1]) / 1024).toFixed(0)} MiB (VmHWM)`
    : `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (maxRSS)`;
  const line = (label: string, value: string) =>
    process.stdout.write(`${label.padEnd(30)} ${value}\n`);
  line('input', describeBenchInput(ENTITIES));
  line('mocked', 'nothing (the engine alone, facts in memory)');
  line(
    'machine',
    `${os.cpus().length} cores, load average ${os
      .loadavg()[0]
      .toFixed(1)} (1 min)`,
  );
  line(
    'program',
    `${program.metadata.name} ${program.metadata.version} (${program.spec.checks.length} checks, ${program.spec.checklist.length} checklist items)`,
  );
  line('manifest objects per entity', (objects / ENTITIES).toFixed(1));
  line('evaluate total', `${totalMs.toFixed(0)} ms`);
  line(
    'evaluate CPU per entity',
    `${(evaluateCpuMs / ENTITIES).toFixed(3)} ms (target ≤ 0.7 ms)`,
  );
  line(
    '  of which manifest parsing',
    `${(parseCpuMs / ENTITIES).toFixed(3)} ms CPU (measured apart)`,
  );
  line('evaluate per entity', `${(totalMs / ENTITIES).toFixed(3)} ms wall`);
  line(
    'serialize per entity',
    `${(serializeCpuMs / ENTITIES).toFixed(3)} ms CPU (${(
      bytes /
      ENTITIES /
      1024
    ).toFixed(1)} KiB each)`,
  );
  line('peak resident memory', peak);
  line(
    'phases',
    [...phases]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  );
  line(
    'check results',
    [...statuses]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  );
}

main();
