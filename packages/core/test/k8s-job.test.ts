import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli } from './fixtures/cli.js';

const COMPARE = ['compare', 'examples/flaky-api.yaml', '--vary', 'lenient=examples/patches/lenient.yaml'];
const TUNE = [
  'tune',
  'examples/flaky-api.yaml',
  '--vary',
  'spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..9',
  '--objective',
  'minimize errorRate',
];

async function manifests(where: string[], command: string[], extra: string[] = []) {
  const r = await cli(
    'k8s-job',
    '--name',
    'tune-od',
    '--image',
    'meshsim:1',
    '--shards',
    '4',
    ...where,
    ...extra,
    '--',
    ...command,
  );
  expect(r.code, r.stderr).toBe(0);
  const [configMap, job] = parseAllDocuments(r.stdout).map((d) => d.toJS());
  return { configMap, job, text: r.stdout };
}

const script = (c: { command: string[] }) => c.command[2]!;

describe('meshsim k8s-job writes manifests the Kubernetes API accepts', () => {
  for (const [label, where] of [
    ['a volume', ['--volume', 'meshsim-parts']],
    ['S3', ['--bucket', 's3://acme-meshsim/tunes/od']],
    ['GCS', ['--bucket', 'gs://acme-meshsim/tunes/od']],
  ] as const) {
    for (const command of [COMPARE, TUNE]) {
      it(`${command[0]}, parts to ${label}: valid against the batch/v1 Job and v1 ConfigMap schemas`, async () => {
        const { configMap, job } = await manifests([...where], command);
        // validate() checks the object against the OpenAPI schema of Kubernetes' API and throws otherwise.
        expect(() => new ConfigMap(configMap).validate()).not.toThrow();
        expect(() => new Job(job).validate()).not.toThrow();
        expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
        expect(Object.keys(configMap.data)).toEqual(
          command === COMPARE ? ['flaky-api.yaml', 'lenient.yaml'] : ['flaky-api.yaml'],
        );
      });
    }
  }

  it('the schema check catches a broken manifest', async () => {
    const { job } = await manifests(['--volume', 'p'], COMPARE);
    job.spec.parallelism = '4';
    expect(() => new Job(job).validate()).toThrow(/parallelism must be integer/);
    delete job.spec.template.spec.containers[0].name;
    job.spec.parallelism = 4;
    expect(() => new Job(job).validate()).toThrow(/containers\/0 must have required property name/);
  });

  it('pod K−1 runs shard K of N, the files in the ConfigMap, the parts where the user said', async () => {
    const volume = await manifests(['--volume', 'meshsim-parts'], TUNE, [
      '--parallelism',
      '4',
      '--threads',
      '2',
    ]);
    const pod = volume.job.spec.template.spec;
    expect(script(pod.containers[0])).toBe(
      'K=$((JOB_COMPLETION_INDEX + 1))\nexec meshsim tune /inputs/flaky-api.yaml --vary spec.trafficPolicy.outlierDetection.consecutive5xxErrors=1..9 --objective \'minimize errorRate\' --progress -j 2 --shard "$K/4" --out "/results/part-$K.json" --from /results --wait 2h',
    );
    expect(pod.volumes).toEqual([
      { name: 'inputs', configMap: { name: 'tune-od-inputs' } },
      { name: 'results', persistentVolumeClaim: { claimName: 'meshsim-parts' } },
    ]);
    const s3 = (await manifests(['--bucket', 's3://acme/od/'], COMPARE)).job.spec.template.spec;
    // meshsim runs first (an init container), then the CLI of the bucket's cloud uploads its part.
    expect(s3.initContainers.map((c: { name: string }) => c.name)).toEqual(['meshsim']);
    expect(script(s3.containers[0])).toBe(
      'K=$((JOB_COMPLETION_INDEX + 1))\naws s3 cp "/parts/part-$K.json" s3://acme/od/part-"$K".json',
    );
    const gcsTune = (await manifests(['--bucket', 'gs://acme/od'], TUNE)).job.spec.template.spec;
    expect(gcsTune.initContainers.map((c: { name: string }) => c.name)).toEqual(['fetch-parts', 'meshsim']);
  });

  it('says in one line what is wrong', async () => {
    const cases: Array<[string[], string]> = [
      [['--volume', 'p', '--', 'run', 'examples/flaky-api.yaml'], 'k8s-job runs compare or tune'],
      [['--', ...COMPARE], 'needs where the parts go'],
      [['--volume', 'p', '--bucket', 's3://b', '--', ...COMPARE], 'needs where the parts go'],
      [['--volume', 'p', '--', ...COMPARE, '--shard', '1/2'], '--shard is not for the pods'],
      [['--volume', 'p', '--', ...COMPARE, '-o', 'x.txt'], 'give it to meshsim merge'],
      [['--volume', 'p', '--', 'compare', 'missing.yaml'], 'missing.yaml: no such file'],
      [['--volume', 'p', '--parallelism', '2', '--', ...TUNE], '--parallelism must be every shard (4)'],
      [['--volume', 'p', '--parallelism', '5', '--', ...COMPARE], 'more than the 4 shards'],
    ];
    for (const [args, message] of cases) {
      const r = await cli('k8s-job', '--name', 'tune-od', '--image', 'meshsim:1', '--shards', '4', ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
    for (const [option, value] of [
      ['--name', 'Tune_OD'],
      ['--cpu', 'two'],
      ['--bucket', 'ftp://x'],
      ['--wait', 'soon'],
    ]) {
      const r = await cli(
        'k8s-job',
        '--name',
        'od',
        '--image',
        'm',
        '--shards',
        '2',
        '--volume',
        'p',
        option!,
        value!,
        '--',
        ...COMPARE,
      );
      expect(r.code, option).toBe(2);
      expect(r.stderr, option).toContain(option);
    }
  });
});
