import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { composeTestApp, containerOf, warnings } from './compose-test-helpers';
import { ComposeApp, ComposeAppProps, ComposeFile, EcsCluster } from '../../src';
import { loadProject } from '../../src/compose/load';
import { LoadOptions, LoadResult } from '../../src/compose/model';
import { errorOf, expectAcceptedOnlyWhen, validTemplate } from '../helpers/validators';

/** Files next to the Compose files of these tests: nginx.conf, init.sh (executable), site/ (a folder), web/ (a build context). */
const DIRECTORY = path.join(__dirname, 'fixtures', 'mounts');

function load(yaml: string, options: Partial<LoadOptions> = {}): LoadResult {
  return loadProject(yaml, {
    fileName: 'compose.yaml',
    directory: DIRECTORY,
    fargate: true,
    variables: {},
    profiles: [],
    imageOverrides: [],
    ...options,
  });
}

function mountsOf(result: LoadResult, name: string) {
  return result.project!.services.find(s => s.name === name)!.mounts;
}

function service(name: string, lines: string[]): string {
  return ['services:', `  ${name}:`, ...lines.map(l => `    ${l}`)].join('\n') + '\n';
}

/** A stack with a cluster and a ComposeApp reading `yaml` as if it were in the fixtures' folder. */
function composeStack(yaml: string, props: Partial<ComposeAppProps> = {}, options: { validated?: boolean; ec2?: boolean } = {}) {
  const file = path.join(DIRECTORY, 'compose.generated.yaml');
  fs.writeFileSync(file, yaml);
  try {
    return composeTestApp(ComposeFile.fromFile(path.relative(process.cwd(), file)), { ...options, props });
  } finally {
    fs.rmSync(file);
  }
}

/** The asset hash in a container's image URI (`...container-assets-...:<hash>`). */
function assetHashOf(container: any): string {
  const image = JSON.stringify(container.Image);
  const match = /:([a-f0-9]{64})/.exec(image);
  if (!match) throw new Error(`not an asset image: ${image}`);
  return match[1];
}

/** The staged build directory of an image asset in the stack's cloud assembly (after synthesis). */
function assetDirectory(stack: Stack, hash: string): string {
  const outdir = (stack.node.root as App).outdir;
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf-8'));
  return path.join(outdir, manifest.dockerImages[hash].source.directory);
}

const NGINX_WITH_CONFIG = service('proxy', [
  'image: public.ecr.aws/nginx/nginx:1.27',
  'ports: ["80:80"]',
  'volumes:',
  '  - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro',
  '  - ./site:/usr/share/nginx/html:ro',
]);

describe('reading bind mounts', () => {
  test('a relative file or folder of an image-only service is copied into its image: no warning when read-only', () => {
    // GIVEN nginx with its config file and a folder of pages, read-only
    // WHEN
    const result = load(NGINX_WITH_CONFIG);
    // THEN
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(mountsOf(result, 'proxy')).toEqual([
      { kind: 'copy', source: path.join(DIRECTORY, 'nginx.conf'), target: '/etc/nginx/conf.d/default.conf', readOnly: true, directory: false },
      { kind: 'copy', source: path.join(DIRECTORY, 'site'), target: '/usr/share/nginx/html', readOnly: true, directory: true },
    ]);
  });

  test('a writable folder is copied with a warning that changes are not kept', () => {
    const result = load(service('app', ['image: x', 'volumes: ["./site:/srv/site", "./nginx.conf:/etc/app.conf"]']));
    expect(result.problems).toEqual([]);
    expect(mountsOf(result, 'app').map(m => [m.kind, m.readOnly])).toEqual([['copy', false], ['copy', false]]);
    // Only the folder warns: a writable config file is the common case and behaves the same.
    expect(result.warnings).toEqual([expect.objectContaining({
      code: 'bindMountCopied',
      context: { service: 'app', target: '/srv/site' },
      message: expect.stringMatching(/The folder \.\/site, mounted writable at \/srv\/site by service "app" \(compose.yaml:4\), is copied into the service's image: .*changes are lost when the task stops.*named volume .*"app-data:\/srv\/site"/),
    })]);
  });

  test('a mount of the service\'s own build context (hot reload) is dropped with a warning, with the anonymous volume that shielded the image\'s files', () => {
    // GIVEN a service built from ./web that mounts ./web (and a file inside it) for hot reload, with node_modules kept from the image
    const result = load(service('web', [
      'build: ./web',
      'volumes:',
      '  - ./web:/app',
      '  - ./web/index.js:/app/index.js:ro',
      '  - /app/node_modules',
      '  - /cache',
    ]));
    // THEN
    expect(result.problems).toEqual([]);
    expect(mountsOf(result, 'web')).toEqual([{ kind: 'anonymous', target: '/cache', readOnly: false }]);
    expect(result.warnings.map(w => [w.code, w.context.target])).toEqual([
      ['bindMountDropped', '/app'], ['bindMountDropped', '/app/index.js'], ['bindMountDropped', '/app/node_modules'],
    ]);
    expect(result.warnings[0].message).toMatch(/The bind mount "\.\/web:\/app" of service "web" \(compose.yaml:5\) is dropped: it mounts files of the service's own build context, .*hot reload.*already contains them. If the Dockerfile does not copy them to \/app, add "COPY \. \/app" to it\./);
    expect(result.warnings[1].message).toMatch(/add "COPY index.js \/app\/index.js" to it/);
    expect(result.warnings[2].message).toMatch(/anonymous volume \/app\/node_modules of service "web" is dropped with the bind mount at \/app/);
  });

  test('`.:/code` with `build: .` is dropped', () => {
    const result = load(service('web', ['build: .', 'volumes: [".:/code"]']), { directory: path.join(DIRECTORY, 'web') });
    expect(result.problems).toEqual([]);
    expect(mountsOf(result, 'web')).toEqual([]);
    expect(result.warnings[0].message).toMatch(/add "COPY \. \/code" to it/);
  });

  test('fails when a service built from a context mounts files from outside it', () => {
    const result = load(service('web', ['build: ./web', 'volumes: ["./nginx.conf:/etc/nginx/nginx.conf:ro"]']));
    expect(result.problems).toEqual([expect.objectContaining({
      line: 4,
      path: 'services.web.volumes[0]',
      fix: expect.stringMatching(/\.\/nginx.conf is outside the build context of service "web" \(.*web\).*move them into the build context, add "COPY <their path in the context> \/etc\/nginx\/nginx.conf" to its Dockerfile and remove this mount/),
    })]);
  });

  test('a service whose image is given in code keeps its image: the mount is dropped with a warning', () => {
    const result = load(NGINX_WITH_CONFIG, { imageOverrides: ['proxy'] });
    expect(result.problems).toEqual([]);
    expect(mountsOf(result, 'proxy')).toEqual([]);
    expect(result.warnings[0]).toEqual(expect.objectContaining({
      code: 'bindMountDropped',
      message: expect.stringMatching(/the service's image is given in code \(the `images` prop\), so it must contain these files at \/etc\/nginx\/conf.d\/default.conf itself/),
    }));
  });

  test('fails when a relative path does not exist, with the file and the line', () => {
    const result = load(service('db', ['image: postgres:16', 'volumes:', '  - ./missing.sql:/docker-entrypoint-initdb.d/init.sql']));
    expect(result.problems).toEqual([expect.objectContaining({
      file: 'compose.yaml',
      line: 5,
      path: 'services.db.volumes[0]',
      fix: expect.stringMatching(/^\.\/missing.sql does not exist \(resolved to .*missing.sql\): .*relative to the Compose file's directory.*named volume .*"db-data:\/docker-entrypoint-initdb.d\/init.sql"/),
    })]);
  });

  test('a missing path of a service that does not run (profiles) is not checked', () => {
    const result = load(service('debug', ['image: x', 'profiles: [debug]', 'volumes: ["./missing:/x"]']));
    expect(result.problems).toEqual([]);
  });

  test('fails when a host path is mounted on Fargate, with the exact edit; a host volume on EC2', () => {
    const yaml = service('app', ['image: x', 'volumes: ["/etc/app/settings.json:/config/settings.json:ro"]']);
    expect(load(yaml).problems).toEqual([expect.objectContaining({
      line: 4,
      fix: expect.stringMatching(/Fargate has none: copy \/etc\/app\/settings.json next to the Compose file and mount it with a relative path \("\.\/settings.json:\/config\/settings.json:ro"\).*named volume.*TaskCapacity.ec2\(\)/),
    })]);
    const onEc2 = load(yaml, { fargate: false });
    expect(onEc2.problems).toEqual([]);
    expect(mountsOf(onEc2, 'app')).toEqual([{ kind: 'bind', source: '/etc/app/settings.json', target: '/config/settings.json', readOnly: true }]);
  });

  test('fails when a path is in the home directory, on Fargate and EC2', () => {
    const yaml = service('app', ['image: x', 'volumes: ["~/.aws:/root/.aws:ro"]']);
    for (const fargate of [true, false]) {
      expect(load(yaml, { fargate }).problems).toEqual([expect.objectContaining({
        fix: expect.stringMatching(/home directory .*"\.\/\.aws:\/root\/\.aws".*task role/),
      })]);
    }
  });

  test('SELinux labels, propagation and consistency are ignored with one warning each; read-only is kept', () => {
    const result = load(service('app', [
      'image: x',
      'volumes:',
      '  - ./nginx.conf:/a.conf:ro,z',
      '  - ./site:/site:Z,ro',
      '  - { type: bind, source: ./init.sh, target: /init.sh, read_only: true, bind: { selinux: z } }',
      '  - ./nginx.conf:/b.conf:cached,rw',
    ]));
    expect(result.problems).toEqual([]);
    expect(mountsOf(result, 'app').map(m => m.readOnly)).toEqual([true, true, true, false]);
    expect(result.warnings.map(w => w.context.key)).toEqual(['volumes.bind.selinux', 'volumes.consistency']);
    expect(result.warnings[0].message).toMatch(/Compose key `volumes.bind.selinux` of service "app" \(compose.yaml:5\) is ignored: SELinux relabeling .* copied into the service's image/);
  });

  test('fails when a short-syntax option is unknown', () => {
    const result = load(service('app', ['image: x', 'volumes: ["./nginx.conf:/a.conf:readonly"]']));
    expect(result.problems).toEqual([expect.objectContaining({ fix: expect.stringMatching(/Unknown volume option "readonly": use ro or rw, optionally with z or Z/) })]);
  });
});

describe('files copied into a derived image', () => {
  test('on Fargate: nginx with its config runs an image asset built FROM its image with the files COPYied to their targets', () => {
    // GIVEN nginx publishing port 80 with a config file and a folder of pages
    // WHEN
    const { stack } = composeStack(NGINX_WITH_CONFIG);
    // THEN the template passes the validators, and the container runs the derived image
    const template = validTemplate(stack);
    const proxy = containerOf(template, 'proxy');
    const hash = assetHashOf(proxy);
    expect(proxy.MountPoints ?? []).toEqual([]);
    const directory = assetDirectory(stack, hash);
    expect(fs.readFileSync(path.join(directory, 'Dockerfile'), 'utf-8')).toBe([
      '# Generated by cdk-ecs-kit at synth: the image of Compose service "proxy" with the files of its relative bind mounts.',
      'FROM public.ecr.aws/nginx/nginx:1.27',
      'COPY ["files/0/nginx.conf","/etc/nginx/conf.d/default.conf"]',
      'COPY ["files/1/","/usr/share/nginx/html/"]',
      '',
    ].join('\n'));
    expect(fs.readFileSync(path.join(directory, 'files/0/nginx.conf'), 'utf-8')).toBe(fs.readFileSync(path.join(DIRECTORY, 'nginx.conf'), 'utf-8'));
    expect(fs.readFileSync(path.join(directory, 'files/1/css/main.css'), 'utf-8')).toBe('h1 { color: red; }\n');
    // Built for the task's architecture, whatever the machine that deploys.
    const manifest = JSON.parse(fs.readFileSync(path.join((stack.node.root as App).outdir, 'TestStack.assets.json'), 'utf-8'));
    expect(manifest.dockerImages[hash].source).toEqual({ directory: expect.stringMatching(/^asset\./), platform: 'linux/amd64' });
  });

  test('the asset hash is the same at every synthesis, and changes only with the files', () => {
    const first = assetHashOf(containerOf(Template.fromStack(composeStack(NGINX_WITH_CONFIG, {}, { validated: false }).stack), 'proxy'));
    const second = assetHashOf(containerOf(Template.fromStack(composeStack(NGINX_WITH_CONFIG, {}, { validated: false }).stack), 'proxy'));
    expect(second).toBe(first);
    const otherTarget = assetHashOf(containerOf(Template.fromStack(
      composeStack(NGINX_WITH_CONFIG.replace('/etc/nginx/conf.d/default.conf', '/etc/nginx/nginx.conf'), {}, { validated: false }).stack), 'proxy'));
    expect(otherTarget).not.toBe(first);
  });

  test('on EC2 too; an executable script stays executable; a writable copy belongs to a numeric Compose user', () => {
    // GIVEN Postgres with an init script and a writable folder, running as 999:999, on EC2
    const { stack } = composeStack(service('db', [
      'image: public.ecr.aws/docker/library/postgres:16',
      'user: "999:999"',
      'volumes:',
      '  - ./init.sh:/docker-entrypoint-initdb.d/init.sh:ro',
      '  - ./site:/srv/site',
    ]), {}, { ec2: true });
    // THEN
    const template = validTemplate(stack);
    const directory = assetDirectory(stack, assetHashOf(containerOf(template, 'db')));
    expect(fs.readFileSync(path.join(directory, 'Dockerfile'), 'utf-8')).toMatch(
      /COPY \["files\/0\/init.sh","\/docker-entrypoint-initdb.d\/init.sh"\]\nCOPY --chown=999:999 \["files\/1\/","\/srv\/site\/"\]/);
    expect((fs.statSync(path.join(directory, 'files/0/init.sh')).mode % 0o1000).toString(8)).toBe('755');
    expect(warnings(stack, 'bindMountCopied')).toHaveLength(1);
  });

  test('an ARM64 service gets an ARM64 image; a `$` in a target is escaped', () => {
    const { stack } = composeStack(service('proxy', ['image: nginx', 'platform: linux/arm64', 'volumes: ["./nginx.conf:/etc/$$weird.conf:ro"]']), {}, { validated: false });
    Template.fromStack(stack);
    const root = stack.node.root as App;
    const assembly = root.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'TestStack.assets.json'), 'utf-8'));
    const [image] = Object.values(manifest.dockerImages) as any[];
    expect(image.source.platform).toBe('linux/arm64');
    expect(fs.readFileSync(path.join(assembly.directory, image.source.directory, 'Dockerfile'), 'utf-8')).toContain('COPY ["files/0/nginx.conf","/etc/\\\\$weird.conf"]');
  });

  test('a sidecar of a web service (sharing its named volume) gets its own derived image', () => {
    const { stack } = composeStack([
      'services:',
      '  web:',
      '    image: public.ecr.aws/nginx/nginx:1.27',
      '    ports: ["80:80"]',
      '    volumes: ["pages:/usr/share/nginx/html", "./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]',
      '  builder:',
      '    image: public.ecr.aws/docker/library/busybox:1.36',
      '    volumes: ["pages:/out", "./site:/in:ro"]',
      'volumes:',
      '  pages: {}',
    ].join('\n'), {}, { validated: false });
    const template = Template.fromStack(stack);
    const web = containerOf(template, 'web');
    const builder = containerOf(template, 'builder');
    expect(assetHashOf(web)).not.toBe(assetHashOf(builder));
    expect(builder.MountPoints).toEqual([expect.objectContaining({ ContainerPath: '/out' })]);
  });

  test('a mounted folder that holds the cloud assembly and a Git history is copied without them', () => {
    // GIVEN an app whose source folder is mounted into a stock Node.js image, with .git and the CDK output (cdk.out) in it
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ecs-kit-mounts-'));
    fs.mkdirSync(path.join(project, '.git'));
    fs.writeFileSync(path.join(project, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(project, 'server.js'), 'console.log(1);\n');
    fs.writeFileSync(path.join(project, 'compose.yaml'), service('dev', ['image: public.ecr.aws/docker/library/node:22', 'command: node /app/server.js', 'volumes: [".:/app:ro"]']));
    const root = new App({ outdir: path.join(project, 'cdk.out') });
    const stack = new Stack(root, 'TestStack');
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    // WHEN
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromFile(path.join(project, 'compose.yaml')) });
    const template = Template.fromStack(stack);
    // THEN
    const files = path.join(assetDirectory(stack, assetHashOf(containerOf(template, 'dev'))), 'files', '0');
    expect(fs.readdirSync(files).sort()).toEqual(['compose.yaml', 'server.js']);
  });

  test('fails when the image of a service with copied files is a deploy-time value', () => {
    const stack = new Stack(new App(), 'TestStack');
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    const tag = new CfnParameter(stack, 'Tag').valueAsString;
    const error = errorOf(() => new ComposeApp(stack, 'App', {
      cluster,
      // An inline file's relative paths are relative to the working directory.
      composeFile: ComposeFile.fromString(service('proxy', ['image: nginx:${TAG}', `volumes: ["./${path.relative(process.cwd(), DIRECTORY)}/nginx.conf:/etc/nginx/nginx.conf:ro"]`])),
      environment: { TAG: tag },
    }));
    expect(error.message).toMatch(/services.proxy.image: received .*The files of the service's relative bind mounts are copied into an image built from its image, which is named at synth/);
  });
});

describe('property: every bind mount imports or is refused with the kit\'s error', () => {
  const SOURCES = ['./nginx.conf', './site', './init.sh', './missing', './web', './web/index.js', '.', '/var/log/app', '~/.config'];
  const MODES = [undefined, 'ro', 'rw', 'z', 'ro,Z', 'cached', 'rshared', 'readonly'];

  test('short-syntax bind mounts on Fargate and EC2, of built and image-only services', () => {
    fc.assert(fc.property(
      fc.constantFrom(...SOURCES),
      fc.constantFrom('/etc/app/app.conf', '/srv/site/', '/app', 'relative/target'),
      fc.constantFrom(...MODES),
      fc.boolean(),
      fc.boolean(),
      (source, target, mode, built, onEc2) => {
        // GIVEN a service with one bind mount
        const entry = `${source}:${target}${mode === undefined ? '' : `:${mode}`}`;
        const yaml = service('svc', [built ? 'build: ./web' : 'image: public.ecr.aws/nginx/nginx:1.27', 'volumes:', `  - "${entry}"`]);
        const absolute = path.resolve(DIRECTORY, source);
        const relative = source.startsWith('.');
        const insideContext = relative && path.relative(path.join(DIRECTORY, 'web'), absolute).split(path.sep)[0] !== '..';
        const valid = target.startsWith('/')
          && mode !== 'readonly'
          && !source.startsWith('~')
          && !(source.startsWith('/') && !onEc2)
          && !(relative && !(built && insideContext) && !fs.existsSync(absolute))
          && !(relative && built && !insideContext);
        // THEN it is built (the derived image written and staged), or fails with EcsKitValidationError
        expectAcceptedOnlyWhen(valid, () => composeStack(yaml, {}, { validated: false, ec2: onEc2 }));
      },
    ), { numRuns: 20 });
  });
});
