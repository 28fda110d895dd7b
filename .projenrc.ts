import { awscdk, javascript } from 'projen';

/**
 * The oldest aws-cdk-lib our users may run: the peer dependency's minimum, and
 * the aws-cdk-lib we develop against (jsii's rule: its warning JSII6 asks for the
 * devDependency to be the peer minimum, so the library only uses APIs every
 * supported version has). `npm run test:min-cdk` (part of `npm test`) runs the
 * examples and one test file per construct family against exactly this version,
 * installed from the registry; it keeps proving the minimum if development moves
 * to a newer aws-cdk-lib. Why nothing older works (found with that script):
 * - up to 2.268.0, a validation rule id may not contain `::`, and EcsCluster's EC2
 *   capacity acknowledges cdk-nag's granular findings, whose ids do
 *   (`AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/…]`);
 * - 2.269.0 warns that an HTTPS FargateWebService's listener default action was replaced;
 * - up to 2.275.0, `addWarningV2` has no `context` and `acknowledge` no `where`, which
 *   ComposeApp's per-service, per-key acknowledgments (README) rely on.
 */
const MIN_CDK_VERSION = '2.276.0';

/**
 * The aws-cdk CLI that synthesizes the examples. CLI 3.0.0 cannot read the cloud
 * assembly of aws-cdk-lib 2.276, so it is pinned to the 2.1148 line.
 */
const CDK_CLI_VERSION = '2.1148.1';

/** constructs 10.5.1 is what cdk-nag 3 requires as a peer. */
const MIN_CONSTRUCTS_VERSION = '10.5.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ecs-kit',
  packageName: 'cdk-ecs-kit',
  description:
    'AWS CDK constructs for Docker on AWS: an ECS cluster with EC2 and Fargate capacity, ECR repositories, ' +
    'Fargate web services and EC2 batch jobs with secure, cheap and safe-to-delete defaults.',
  keywords: ['aws-cdk', 'awscdk', 'cdk', 'ecs', 'ecr', 'fargate', 'containers', 'docker'],
  license: 'Apache-2.0',
  author: 'cdk-ecs-kit maintainers',
  authorAddress: 'maintainers@cdk-ecs-kit.dev',
  repositoryUrl: 'https://github.com/cdk-ecs-kit/cdk-ecs-kit.git',
  defaultReleaseBranch: 'main',
  // 0.x releases may break the API (README's migration notes list each break): the assembly
  // says so, and Construct Hub shows it. Make it 'stable' with the first 1.0 release.
  stability: 'experimental',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  workflowNodeVersion: '20.x',

  jsiiVersion: '~6.0.0',
  // Peer dependency `^MIN_CDK_VERSION`, and the devDependency pinned to it.
  cdkVersion: MIN_CDK_VERSION,
  cdkCliVersion: CDK_CLI_VERSION,
  constructsVersion: MIN_CONSTRUCTS_VERSION,

  // Non-jsii runtime dependencies are bundled into the package (jsii requirement).
  // yaml: the maintained YAML 1.2 parser behind the Docker Compose import (with line numbers for errors).
  bundledDeps: ['yaml@^2.9.1'],

  devDeps: [
    `aws-cdk@${CDK_CLI_VERSION}`,
    'cdk-nag@^3.0.2',
    'fast-check@^4',
    // Evaluates the JSONata expressions of Ec2BatchJob's state machine in tests.
    'jsonata@^2.2.2',
    // Executes Ec2BatchJob's synthesized state machine in tests (an ASL interpreter).
    'aws-local-stepfunctions@^3.0.0',
    // Parses the Bottlerocket user data (TOML) in tests.
    'smol-toml@^1.9.1',
    // Integration test apps (test/integ.*.ts) and their assertions; the snapshot check reads
    // integ-runner's recommended feature flags. The alpha is pinned: a caret range on an
    // alpha version matches no later alpha.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@^2.197.10',
  ],

  // Construct Hub publishes every jsii language; only the release workflow builds them.
  publishToPypi: { distName: 'cdk-ecs-kit', module: 'cdk_ecs_kit' },
  // Maven Central grants the namespace io.github.<GitHub owner> to the owner of the repository,
  // so the groupId is the owner's name as it is, hyphens included (groupIds allow them). Java
  // package names do not allow hyphens: the classes live in io.github.cdkecskit.
  publishToMaven: {
    javaPackage: 'io.github.cdkecskit',
    mavenGroupId: 'io.github.cdk-ecs-kit',
    mavenArtifactId: 'cdk-ecs-kit',
  },
  publishToNuget: { dotNetNamespace: 'CdkEcsKit', packageId: 'CdkEcsKit' },
  publishToGo: { moduleName: 'github.com/cdk-ecs-kit/cdk-ecs-kit-go' },

  jestOptions: {
    // Snapshots are reviewed, never rewritten silently: `npx projen test:update` rewrites them.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      snapshotSerializers: ['<rootDir>/test/helpers/snapshot-serializer.ts'],
      // Property tests use a fixed seed (FC_SEED overrides it): the same code gets the same verdict.
      setupFiles: ['<rootDir>/test/helpers/fast-check-setup.ts'],
      testTimeout: 120_000,
      // Synthesizing stacks with validators is CPU bound; two workers fit the 2-core machines.
      maxWorkers: 2,
      // The integration snapshots hold synthesized apps (package.json files of bundled handlers among them).
      modulePathIgnorePatterns: ['<rootDir>/test/.*\\.snapshot/'],
    },
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'bench', 'projenrc', '.projenrc.ts'],
  },

  // '/node_modules' (no slash) also ignores a link of that name, as a git worktree sharing another's packages has.
  // cdk-integ.out.*: the scratch folders of integ-runner next to the integration test apps.
  gitignore: ['cdk.out/', '.cdk.staging/', '.jsii.tabl.json', '/node_modules', 'cdk-integ.out.*/'],

  // Source maps go into separate .js.map files (with the TypeScript sources), not
  // inline: every app reads and parses lib/*.js at each synthesis, and inline maps made
  // them 1.2 MB instead of 0.34 MB (about 10 ms of loading). The .map files are still
  // published, so `node --enable-source-maps` shows TypeScript lines.
  tsconfig: { compilerOptions: { inlineSourceMap: false, sourceMap: true, inlineSources: true } },

  // The npm package is an allow-list (package.json "files", below), not a list of exclusions
  // that let every new root file through.
  npmignoreEnabled: false,
});

// What the npm package holds: the compiled library with its type declarations and source maps,
// the jsii assembly (.jsii: what jsii-pacmak and Construct Hub read to build the other languages
// and the API reference), and the docs. npm adds package.json itself, and the bundled
// dependencies (yaml) under node_modules/.
project.package.addField('files', ['lib/**', '.jsii', 'API.md', 'README.md', 'LICENSE']);

// projen's jsii tasks silence jsii's reserved-word warning (JSII5018: a name that is a keyword
// in one of the target languages, e.g. `namespace` in C#). The kit has no such name: let jsii
// warn about the next one instead of publishing it.
project.compileTask.reset('jsii');
project.tasks.tryFind('watch')?.reset('jsii -w');

// Examples, scripts and benchmarks are linted and type-checked like tests, but never part of the jsii build.
for (const dir of ['examples', 'scripts', 'bench']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    include: ['**/*.ts'],
    exclude: ['node_modules', '**/cdk.out'],
    compilerOptions: { rootDir: '..', noEmit: true, isolatedModules: true },
  });
}

// ts-jest and ts-node run tests, examples, scripts and benchmarks transpile-only (isolatedModules),
// which checks no types: one tsc pass over all of them does. Without isolated modules, because
// src/*/index.ts re-exports interfaces by name (`export { Props } from`), which they reject.
new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.typecheck.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  include: ['test/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
  exclude: ['node_modules', '**/cdk.out'],
  compilerOptions: { rootDir: '.', noEmit: true },
});
const typecheckTask = project.addTask('typecheck', {
  description: 'Type-check the tests, examples, scripts and benchmarks (they run transpile-only)',
  exec: 'tsc --project tsconfig.typecheck.json',
});

// Develop against the minimum constructs (projen only records it as a peer).
project.addDevDeps(`constructs@${MIN_CONSTRUCTS_VERSION}`);

// unrs-resolver (behind jest and the eslint import resolver) lists one native binding per
// platform as optional dependencies; the registry we install from serves every platform's
// binding only up to 1.12.2. Pinning it keeps package-lock.json complete, so `npm ci` works.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Only the JavaScript package can be built on our network; the release workflow's own
// jobs build Python, Java, .NET and Go. Local and CI packaging therefore stop at `js`.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// README and doc-comment examples must compile: jsii-rosetta checks them against the assembly.
const rosettaTask = project.addTask('rosetta', {
  description: 'Compile the TypeScript examples of README.md and the doc comments (jsii-rosetta)',
  exec: 'jsii-rosetta extract --compile --fail',
});

// The supported range is tested, not claimed: the examples and one test file per construct family
// against the minimum aws-cdk-lib (installed once into ~/.cache/cdk-ecs-kit/min-cdk/, from the registry).
const minCdkTask = project.addTask('test:min-cdk', {
  description: 'Run the examples and one test file per construct family against the minimum aws-cdk-lib (snapshots not compared)',
  exec: 'ts-node --transpile-only --project scripts/tsconfig.json scripts/test-min-cdk.ts',
  receiveArgs: true,
});

// `npm test` is the whole gate: jsii compile, type checks, rosetta, then jest, the minimum
// aws-cdk-lib run, then eslint (projen's test task).
project.testTask.prependSpawn(rosettaTask);
project.testTask.prependSpawn(typecheckTask);
project.testTask.prependSpawn(project.compileTask);
const eslintStep = project.testTask.steps.findIndex(step => step.spawn === 'eslint');
project.testTask.insertStep(eslintStep === -1 ? project.testTask.steps.length : eslintStep, { spawn: minCdkTask.name });

// Integration test snapshots (test/integ.*.ts.snapshot/) are checked offline by jest
// (test/integ-snapshots.test.ts); this rewrites the ones whose templates changed.
project.addTask('integ:snapshot', {
  description: 'Rewrite the snapshots of the integration test apps (test/integ.*.ts) whose templates changed, offline',
  exec: 'ts-node --transpile-only --project scripts/tsconfig.json scripts/integ-snapshots.ts',
  receiveArgs: true,
});
project.gitattributes.addAttributes('/test/*.snapshot/**', 'linguist-generated');

// `npm run synth`: synthesize every example app with the real aws-cdk CLI.
project.addTask('synth', {
  description: 'Synthesize every app under examples/ to cdk.out/<example>/ with the aws-cdk CLI',
  exec: 'ts-node --project scripts/tsconfig.json scripts/synth-examples.ts',
  receiveArgs: true,
});

/**
 * A benchmark script as an npm task: compile the library, then run `bench/<script>`
 * with its arguments. Benchmarks are scripts whose figures go into
 * docs/benchmarks.md, never timed tests.
 */
function addBenchTask(name: string, script: string, description: string): void {
  project.addTask(name, {
    description,
    steps: [
      { spawn: 'compile' },
      { exec: `ts-node --transpile-only --project scripts/tsconfig.json bench/${script}`, receiveArgs: true },
    ],
  });
}
addBenchTask('bench', 'run.ts',
  'Synthesize the reference app with cdk-ecs-kit and with aws-cdk-lib only, alternating; print a Markdown report');
addBenchTask('bench:cost', 'cost.ts',
  'Estimate the reference app\'s fixed monthly cost three ways; print a Markdown table');
addBenchTask('bench:profile', 'profile.ts',
  'Profile the synthesis of the reference app on both sides; print time per phase as a Markdown table');
addBenchTask('bench:phases', 'phases.ts',
  'Time the phases of the reference app\'s synthesis: the kit, the same features with aws-cdk-lib, aws-cdk-lib\'s defaults');
addBenchTask('bench:findings', 'findings.ts',
  'Validate the reference app three ways with the tests\' validators (built-in validation, cdk-nag); print findings per rule');
addBenchTask('bench:packs', 'packs.ts',
  'Count cdk-nag\'s AwsSolutions, NIST 800-53 R5, HIPAA and PCI DSS findings on kit-created resources of every example; print a Markdown table');
addBenchTask('bench:compose-corpus', 'compose-corpus.ts',
  'What ComposeApp makes of every Compose file of the test corpus and the compose-app example, on Fargate and EC2 (Markdown for README and docs/benchmarks.md)');

project.synth();
