import type { Job } from 'kubernetes-types/batch/v1.js';
import type { ConfigMap, Container, Volume } from 'kubernetes-types/core/v1.js';

/** Where the shards' parts go: a volume every pod mounts, or an object-storage prefix. */
export type ResultsTarget =
  | { kind: 'volume'; claim: string }
  | { kind: 's3'; url: string }
  | { kind: 'gcs'; url: string };

export interface IndexedJobSpec {
  /** The Job's name; the ConfigMap is `NAME-inputs`. */
  name: string;
  namespace?: string;
  /** An image with `meshsim` on its PATH and a POSIX shell. */
  image: string;
  shards: number;
  /** Pods at once. A tune that halves over rungs on a shared volume needs all of them (its shards wait for each other). */
  parallelism: number;
  /** The input files by ConfigMap key; the command names them as /inputs/KEY. */
  inputs: Record<string, string>;
  /** `compare|tune FILES… OPTIONS…`, files as /inputs/KEY, without --shard, --out, --from. */
  argv: readonly string[];
  results: ResultsTarget;
  /** The tune has several rungs: each shard needs the others' parts (--from) between them. */
  rounds: boolean;
  /** On a volume, how long a shard waits for the others' runs of a rung (`--wait`). */
  wait: string;
  cpu: string;
  memory: string;
  threads: number;
  serviceAccount?: string;
  /** The image that copies parts to and from object storage (the cloud's own CLI). */
  uploaderImage?: string;
}

/** The shells's view of a word: single-quoted, so nothing in it is expanded. */
export const shellWord = (word: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

const SHARD = 'K=$((JOB_COMPLETION_INDEX + 1))';
const INPUTS = '/inputs';

/** The cloud CLI images that move parts, unless the user names another. */
export const UPLOADER_IMAGES = {
  s3: 'amazon/aws-cli',
  gcs: 'gcr.io/google.com/cloudsdktool/google-cloud-cli:slim',
} as const;

/** Where parts are written inside the pod, and the volume holding them. */
function partsVolume(results: ResultsTarget): { dir: string; volume: Volume } {
  if (results.kind === 'volume') {
    return {
      dir: '/results',
      volume: { name: 'results', persistentVolumeClaim: { claimName: results.claim } },
    };
  }
  return { dir: '/parts', volume: { name: 'results', emptyDir: {} } };
}

function meshsimContainer(spec: IndexedJobSpec, dir: string): Container {
  const from = spec.rounds
    ? ` --from ${dir}${spec.results.kind === 'volume' ? ` --wait ${shellWord(spec.wait)}` : ''}`
    : '';
  const command = [
    SHARD,
    `exec meshsim ${spec.argv.map(shellWord).join(' ')} -j ${spec.threads} --shard "$K/${spec.shards}" --out "${dir}/part-$K.json"${from}`,
  ].join('\n');
  return {
    name: 'meshsim',
    image: spec.image,
    command: ['sh', '-c', command],
    resources: { requests: { cpu: spec.cpu, memory: spec.memory }, limits: { memory: spec.memory } },
    volumeMounts: [
      { name: 'inputs', mountPath: INPUTS, readOnly: true },
      { name: 'results', mountPath: dir },
    ],
    securityContext: { allowPrivilegeEscalation: false },
  };
}

/** The object-storage side: copy the parts down before (rounds only) and this shard's part up after. */
function storageContainers(spec: IndexedJobSpec, dir: string): { before: Container[]; after: Container[] } {
  if (spec.results.kind === 'volume') return { before: [], after: [] };
  const url = spec.results.url.replace(/\/+$/, '');
  const image = spec.uploaderImage ?? UPLOADER_IMAGES[spec.results.kind];
  const s3 = spec.results.kind === 's3';
  const fetch = s3
    ? `aws s3 cp ${shellWord(`${url}/`)} ${dir}/ --recursive --exclude '*' --include 'part-*.json'`
    : `if gcloud storage ls ${shellWord(`${url}/part-*.json`)} > /dev/null 2>&1; then gcloud storage cp ${shellWord(`${url}/part-*.json`)} ${dir}/; fi`;
  const upload = `${SHARD}\n${s3 ? 'aws s3 cp' : 'gcloud storage cp'} "${dir}/part-$K.json" ${shellWord(`${url}/part-`)}"$K".json`;
  const container = (name: string, script: string): Container => ({
    name,
    image,
    command: ['sh', '-c', script],
    volumeMounts: [{ name: 'results', mountPath: dir }],
    securityContext: { allowPrivilegeEscalation: false },
  });
  return {
    before: spec.rounds ? [container('fetch-parts', fetch)] : [],
    after: [container('upload-part', upload)],
  };
}

/**
 * An Indexed Job that runs shard K of N in pod K−1 (Kubernetes sets JOB_COMPLETION_INDEX), with the
 * inputs in a ConfigMap and the parts on a volume or in object storage; then `meshsim merge` of the N
 * parts gives the one-machine result. With object storage, meshsim runs as an init container and the
 * cloud's CLI uploads its part once it is written.
 */
export function indexedJobManifests(spec: IndexedJobSpec): { configMap: ConfigMap; job: Job } {
  const labels = { 'app.kubernetes.io/name': 'meshsim', 'app.kubernetes.io/instance': spec.name };
  const metadata = (name: string) => ({
    name,
    ...(spec.namespace !== undefined ? { namespace: spec.namespace } : {}),
    labels,
  });
  const configMap: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(`${spec.name}-inputs`),
    data: spec.inputs,
  };
  const { dir, volume } = partsVolume(spec.results);
  const meshsim = meshsimContainer(spec, dir);
  const storage = storageContainers(spec, dir);
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(spec.name),
    spec: {
      completionMode: 'Indexed',
      completions: spec.shards,
      parallelism: spec.parallelism,
      // A pod that fails is replaced and resumes from its part; a shard failing three times fails the Job.
      backoffLimit: 3 * spec.shards,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(spec.serviceAccount !== undefined ? { serviceAccountName: spec.serviceAccount } : {}),
          ...(storage.after.length > 0
            ? { initContainers: [...storage.before, meshsim], containers: storage.after }
            : { containers: [meshsim] }),
          volumes: [{ name: 'inputs', configMap: { name: `${spec.name}-inputs` } }, volume],
        },
      },
    },
  };
  return { configMap, job };
}
