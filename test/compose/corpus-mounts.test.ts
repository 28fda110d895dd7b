import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { containerOf, importValidCorpus, warnings } from './compose-test-helpers';

/** The Dockerfile and files of the image asset a container runs, from the synthesized cloud assembly. */
function derivedImageOf(stack: Stack, container: any): { dockerfile: string; file: (relative: string) => string } {
  const hash = /:([a-f0-9]{64})/.exec(JSON.stringify(container.Image))?.[1];
  if (!hash) throw new Error(`${container.Name} does not run an image asset`);
  const outdir = (stack.node.root as App).outdir;
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf-8'));
  const directory = path.join(outdir, manifest.dockerImages[hash].source.directory);
  return {
    dockerfile: fs.readFileSync(path.join(directory, 'Dockerfile'), 'utf-8'),
    file: relative => fs.readFileSync(path.join(directory, relative), 'utf-8'),
  };
}

describe.each([['Fargate', false], ['EC2', true]])('corpus on %s: bind mounts', (_, onEc2) => {
  test('nginx-front-proxy: the proxy\'s config is in its image; the app\'s hot-reload mounts are dropped with a warning', () => {
    // GIVEN nginx with ./nginx.conf read-only, in front of an app built from ./app that mounts ./app and shields node_modules
    // WHEN
    const { stack, template } = importValidCorpus('nginx-front-proxy', { ec2: onEc2 });
    // THEN the proxy runs nginx with the config file at its Compose target
    const proxy = containerOf(template, 'proxy');
    const image = derivedImageOf(stack, proxy);
    expect(image.dockerfile).toContain('FROM public.ecr.aws/nginx/nginx:1.27-alpine\nCOPY ["files/0/nginx.conf","/etc/nginx/conf.d/default.conf"]\n');
    expect(image.file('files/0/nginx.conf')).toContain('proxy_pass http://app:3000;');
    expect(proxy.MountPoints ?? []).toEqual([]);
    // the app runs the image built from ./app, which has the files; neither mount is in the task
    const app = containerOf(template, 'app');
    expect(derivedImageOf(stack, app).dockerfile).toContain('COPY . .');
    expect(app.MountPoints ?? []).toEqual([]);
    expect(warnings(stack, 'bindMountDropped')).toEqual([
      expect.stringMatching(/bind mount "\.\/app:\/usr\/src\/app" of service "app" .*compose.yaml:20\) is dropped: it mounts files of the service's own build context/),
      expect.stringMatching(/anonymous volume \/usr\/src\/app\/node_modules of service "app" is dropped/),
    ]);
  });

  test('prometheus-grafana: the scrape config and the provisioning folder are in the images; SELinux labels warn', () => {
    const { stack, template } = importValidCorpus('prometheus-grafana', { ec2: onEc2 });
    const prometheus = containerOf(template, 'prometheus');
    expect(derivedImageOf(stack, prometheus).dockerfile).toContain('COPY ["files/0/prometheus.yml","/etc/prometheus/prometheus.yml"]');
    expect(derivedImageOf(stack, prometheus).file('files/0/prometheus.yml')).toContain('node-exporter:9100');
    // The named volume stays an EFS access point.
    expect(prometheus.MountPoints).toEqual([expect.objectContaining({ ContainerPath: '/prometheus', ReadOnly: false })]);
    const grafana = derivedImageOf(stack, containerOf(template, 'grafana'));
    expect(grafana.dockerfile).toContain('FROM grafana/grafana:11.1.0\nCOPY ["files/0/","/etc/grafana/provisioning/"]');
    expect(grafana.file('files/0/datasources/prometheus.yaml')).toContain('url: http://prometheus:9090');
    expect(warnings(stack, 'ignoredKey').filter(w => w.includes('volumes.bind.selinux'))).toHaveLength(2);
    expect(warnings(stack, 'bindMountCopied')).toEqual([]);
  });

  test('flask-postgres-hot-reload: `.:/code` is dropped; Postgres runs its init script from its image, its data on EFS', () => {
    const { stack, template } = importValidCorpus('flask-postgres-hot-reload', { ec2: onEc2 });
    expect(containerOf(template, 'web').MountPoints ?? []).toEqual([]);
    expect(warnings(stack, 'bindMountDropped')).toEqual([
      expect.stringMatching(/bind mount "\.:\/code" of service "web" .* add "COPY \. \/code" to it/),
    ]);
    const db = containerOf(template, 'db');
    const image = derivedImageOf(stack, db);
    expect(image.dockerfile).toContain('FROM public.ecr.aws/docker/library/postgres:16\nCOPY ["files/1/init.sql","/docker-entrypoint-initdb.d/init.sql"]');
    expect(image.file('files/1/init.sql')).toContain('CREATE TABLE IF NOT EXISTS visits');
    expect(db.MountPoints).toEqual([expect.objectContaining({ ContainerPath: '/var/lib/postgresql/data' })]);
    // A writable file is copied without a warning: its copy behaves as the mounted file for a script read at start.
    expect(warnings(stack, 'bindMountCopied')).toEqual([]);
  });
});
