import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageProblem } from './usage-problem.js';

/** A compare or tune as each pod of the Job runs it: its words, and the files it reads as ConfigMap keys. */
export interface JobArgv {
  argv: string[];
  inputs: Record<string, string>;
  /** A tune that halves over seeds has rungs: between them each shard needs every shard's runs. */
  rounds: boolean;
}

/** The mount point of the inputs' ConfigMap in every pod. */
export const INPUTS_DIR = '/inputs';

/** A ConfigMap holds at most 1 MiB (etcd's object limit). */
const CONFIGMAP_MAX_BYTES = 1024 * 1024;

/** Options the Job sets itself, or that belong to the merge that follows it. */
const TAKEN: Record<string, string> = {
  '--shard': 'the Job sets it',
  '--out': 'the Job sets it',
  '--from': 'the Job sets it',
  '--wait': 'give --wait to k8s-job',
  '-j': 'give --threads to k8s-job',
  '--jobs': 'give --threads to k8s-job',
  '-q': 'the pods log progress',
  '--quiet': 'the pods log progress',
  '--progress': 'the Job sets it',
  '-o': 'give it to meshsim merge',
  '--output': 'give it to meshsim merge',
  '--output-file': 'give it to meshsim merge',
  '-f': 'give it to meshsim merge',
  '--format': 'give it to meshsim merge',
  '--patch': 'give it to meshsim merge',
  '--html': 'give it to meshsim merge',
};

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** A ConfigMap key for the file: its name, made unique, in the characters a key may hold. */
function keyFor(path: string, taken: ReadonlySet<string>): string {
  const name = basename(path).replace(/[^-._a-zA-Z0-9]/g, '_');
  let key = name;
  for (let n = 2; taken.has(key); n++) key = `${n}-${name}`;
  return key;
}

/**
 * Reads `compare|tune FILES… OPTIONS…`: every word that names a file (or `NAME=FILE`, a compare variant)
 * goes into the ConfigMap and is rewritten to its path in the pod. Options the Job sets are refused.
 */
export function jobArgv(words: readonly string[]): JobArgv {
  const [command, ...rest] = words;
  if (command !== 'compare' && command !== 'tune')
    throw new UsageProblem(
      `k8s-job runs compare or tune, after --: e.g. meshsim k8s-job --name t --image IMAGE --shards 4 --volume CLAIM -- tune app.yaml --vary …${command === undefined ? '' : ` (not ${command})`}`,
    );
  const inputs: Record<string, string> = {};
  const keys = new Map<string, string>();
  let bytes = 0;
  const input = (path: string): string => {
    let key = keys.get(path);
    if (key === undefined) {
      key = keyFor(path, new Set(keys.values()));
      keys.set(path, key);
      inputs[key] = readFileSync(path, 'utf8');
      bytes += Buffer.byteLength(inputs[key]!) + key.length;
    }
    return `${INPUTS_DIR}/${key}`;
  };
  const argv = rest.map((word) => {
    const option = word.startsWith('--') ? word.split('=', 1)[0]! : word.slice(0, 2);
    if (word.startsWith('-') && TAKEN[option] !== undefined)
      throw new UsageProblem(`k8s-job: ${option} is not for the pods' ${command} (${TAKEN[option]})`);
    if (word.startsWith('-')) return word;
    if (isFile(word)) return input(word);
    const eq = word.indexOf('=');
    const value = word.slice(eq + 1);
    if (eq > 0 && isFile(value)) return `${word.slice(0, eq)}=${input(value)}`;
    if (/\.(ya?ml|json)$/i.test(value)) throw new UsageProblem(`${value}: no such file`);
    return word;
  });
  if (Object.keys(inputs).length === 0) throw new UsageProblem(`k8s-job: ${command} names no input file`);
  if (bytes > CONFIGMAP_MAX_BYTES)
    throw new UsageProblem(
      `k8s-job: the inputs hold ${bytes} bytes; a ConfigMap holds at most ${CONFIGMAP_MAX_BYTES}`,
    );
  const rounds = command === 'tune' && !rest.includes('--no-halving');
  return { argv: [command, ...argv, ...(command === 'tune' ? ['--progress'] : [])], inputs, rounds };
}
