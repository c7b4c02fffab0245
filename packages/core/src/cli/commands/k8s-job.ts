import { type Command, InvalidArgumentError } from 'commander';
import { stringify } from 'yaml';
import { indexedJobManifests, type ResultsTarget, shellWord } from '../../shard/k8s-job.js';
import { jobArgv } from '../job-argv.js';
import { parseCount } from '../option-values.js';
import { addOutputOptions, resolveOutput } from '../output-option.js';
import { parseWait } from '../shard-options.js';
import { UsageProblem } from '../usage-problem.js';
import { openOutput, writeOutput } from '../write-output.js';
import type { CommandContext } from './context.js';

/** The manifests are YAML, the one format; `-o FILE` is the old spelling of --output-file. */
const K8S_JOB_FORMATS = ['yaml'] as const;

interface K8sJobCliOptions {
  name: string;
  image: string;
  shards: number;
  parallelism?: number;
  volume?: string;
  bucket?: string;
  namespace?: string;
  cpu: string;
  memory: string;
  threads: number;
  wait: string;
  serviceAccount?: string;
  uploaderImage?: string;
  output?: string;
}

/** A DNS-1123 label short enough that NAME-inputs (the ConfigMap) is one too. */
function parseName(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) || value.length > 56)
    throw new InvalidArgumentError('must be lowercase letters, digits and -, at most 56, e.g. tune-outlier');
  return value;
}

/** `--wait`, checked now but passed on as the user wrote it. */
const waitText = (value: string): string => {
  parseWait(value);
  return value;
};

function parseQuantity(value: string): string {
  if (!/^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.test(value))
    throw new InvalidArgumentError('must be a Kubernetes quantity, e.g. 500m, 2, 512Mi or 4Gi');
  return value;
}

function parseBucket(value: string): string {
  if (!/^(s3|gs):\/\/[a-z0-9][-a-z0-9._]*(\/\S*)?$/.test(value))
    throw new InvalidArgumentError('must be s3://BUCKET/PREFIX or gs://BUCKET/PREFIX');
  return value;
}

function resultsTarget(options: K8sJobCliOptions): ResultsTarget {
  if ((options.volume === undefined) === (options.bucket === undefined))
    throw new UsageProblem(
      'k8s-job needs where the parts go: --volume CLAIM (a ReadWriteMany PersistentVolumeClaim) or --bucket s3://… or gs://…',
    );
  if (options.volume !== undefined) return { kind: 'volume', claim: options.volume };
  const url = options.bucket!;
  return url.startsWith('s3://') ? { kind: 's3', url } : { kind: 'gcs', url };
}

/** The comment on top of the manifests: what to apply, and how to merge the parts it leaves. */
function header(
  options: K8sJobCliOptions,
  results: ResultsTarget,
  argv: readonly string[],
  rounds: boolean,
): string {
  const ns = options.namespace === undefined ? '' : ` -n ${options.namespace}`;
  const fetch =
    results.kind === 'volume'
      ? `the parts are in the claim ${results.claim}: meshsim merge them in a pod that mounts it`
      : results.kind === 's3'
        ? `aws s3 cp ${results.url.replace(/\/+$/, '')}/ parts/ --recursive --exclude '*' --include 'part-*.json' && meshsim merge parts/`
        : `gcloud storage cp '${results.url.replace(/\/+$/, '')}/part-*.json' parts/ && meshsim merge parts/`;
  return [
    `# meshsim ${argv.map(shellWord).join(' ')}`,
    `# as ${options.shards} shards of an Indexed Job. Run it, then merge the parts into the one-machine report:`,
    `#   kubectl${ns} apply -f THIS_FILE`,
    `#   kubectl${ns} wait --for=condition=complete job/${options.name} --timeout=-1s`,
    `#   ${fetch}`,
    ...(rounds && results.kind !== 'volume'
      ? [
          '# A halving tune runs one rung per run of the Job: delete and apply it again until its pods log',
          "# 'every rung complete' (each shard reads every shard's parts before its rung).",
        ]
      : []),
    '',
  ].join('\n');
}

/** `meshsim k8s-job`: a compare or tune as a Kubernetes Indexed Job, one shard per completion index. */
export function addK8sJobCommand(program: Command, context: CommandContext): void {
  const command: Command = program
    .command('k8s-job')
    .description(
      'write the Kubernetes Indexed Job (and its inputs ConfigMap) that runs a compare or tune in shards',
    )
    .usage(
      '--name NAME --image IMAGE --shards N (--volume CLAIM | --bucket URL) [options] -- compare|tune FILES… OPTIONS…',
    )
    .argument('<command...>', 'the compare or tune to run, after --, as you would run it on one machine')
    .requiredOption('--name <name>', 'the Job (and NAME-inputs, its ConfigMap)', parseName)
    .requiredOption('--image <image>', 'a container image with meshsim on its PATH and a POSIX shell')
    .requiredOption('--shards <n>', 'shards: the completions of the Indexed Job', parseCount(1))
    .option('--parallelism <n>', 'pods at once (default: every shard)', parseCount(1))
    .option('--volume <claim>', 'write the parts to this ReadWriteMany PersistentVolumeClaim')
    .option(
      '--bucket <url>',
      'write the parts to object storage: s3://BUCKET/PREFIX or gs://BUCKET/PREFIX',
      parseBucket,
    )
    .option('-n, --namespace <namespace>', 'the namespace of the Job and its ConfigMap')
    .option('--cpu <quantity>', 'CPU each pod requests', parseQuantity, '1')
    .option('--memory <quantity>', 'memory each pod requests (and its limit)', parseQuantity, '1Gi')
    .option('--threads <n>', 'worker threads in each pod (meshsim -j)', parseCount(1), 1)
    .option(
      '--wait <duration>',
      "a tune on a volume: how long a shard waits for the others' runs of a rung",
      waitText,
      '2h',
    )
    .option('--service-account <name>', 'the pods run as this ServiceAccount (object storage access)')
    .option(
      '--uploader-image <image>',
      'the image that copies parts to and from the bucket (default: the cloud CLI)',
    );
  addOutputOptions(command, K8S_JOB_FORMATS).action((words: string[], options: K8sJobCliOptions) => {
    const { file, fileOption } = resolveOutput(command, K8S_JOB_FORMATS, context.io);
    const results = resultsTarget(options);
    const { argv, inputs, rounds } = jobArgv(words);
    const parallelism = options.parallelism ?? options.shards;
    if (parallelism > options.shards)
      throw new UsageProblem(`--parallelism ${parallelism} is more than the ${options.shards} shards`);
    if (rounds && results.kind === 'volume' && parallelism < options.shards)
      throw new UsageProblem(
        `a halving tune's shards wait for each other between rungs: --parallelism must be every shard (${options.shards}), or use --no-halving`,
      );
    const { configMap, job } = indexedJobManifests({
      name: options.name,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      image: options.image,
      shards: options.shards,
      parallelism,
      inputs,
      argv,
      results,
      rounds,
      wait: options.wait,
      cpu: options.cpu,
      memory: options.memory,
      threads: options.threads,
      ...(options.serviceAccount !== undefined ? { serviceAccount: options.serviceAccount } : {}),
      ...(options.uploaderImage !== undefined ? { uploaderImage: options.uploaderImage } : {}),
    });
    // Literal blocks, no line folding and no aliases: the manifest reads as it will run.
    const yaml = (doc: unknown) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
    const text = `${header(options, results, words, rounds)}${yaml(configMap)}---\n${yaml(job)}`;
    writeOutput(context.io, text, file === undefined ? undefined : openOutput(file, fileOption));
  });
}
