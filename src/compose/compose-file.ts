import * as fs from 'fs';
import * as path from 'path';

/**
 * A Docker Compose file (Compose Specification), read from disk or given as a string.
 *
 * Relative paths inside it (`build.context`, `env_file`, secret files) are
 * resolved against `directory`.
 *
 * @exampleMetadata nofixture
 * @example
 * import { ComposeFile } from 'cdk-ecs-kit';
 *
 * const fromDisk = ComposeFile.fromFile('compose.yaml');
 * const inline = ComposeFile.fromString('services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n');
 */
export class ComposeFile {
  /**
   * A Compose file on disk, e.g. `compose.yaml`. A relative path is resolved
   * against the current working directory (where `cdk synth` runs). The file
   * is read when the `ComposeApp` is created; a `.env` file next to it supplies
   * interpolation variables unless `envFile` says otherwise.
   */
  public static fromFile(filePath: string): ComposeFile {
    return new ComposeFile(filePath, path.dirname(path.resolve(filePath)), undefined);
  }

  /**
   * A Compose file given as YAML text.
   *
   * @param content the YAML text
   * @param fileName the name shown in error messages, also the place relative paths are resolved from
   * (a relative name is resolved against the current working directory); no `.env` file is read
   * unless `envFile` is given. Default: `compose.yaml`
   */
  public static fromString(content: string, fileName?: string): ComposeFile {
    const name = fileName ?? 'compose.yaml';
    return new ComposeFile(name, path.dirname(path.resolve(name)), content);
  }

  /** The file name shown in error messages: the path as given, or the name passed to `fromString`. */
  public readonly fileName: string;

  /** The absolute directory relative paths in the file are resolved against. */
  public readonly directory: string;

  /** Whether the file is read from disk (`fromFile`) rather than given as a string. */
  public readonly isOnDisk: boolean;

  private readonly content?: string;

  private constructor(fileName: string, directory: string, content: string | undefined) {
    this.fileName = fileName;
    this.directory = directory;
    this.content = content;
    this.isOnDisk = content === undefined;
  }

  /**
   * The YAML text, or `undefined` when the file cannot be read.
   *
   * @internal
   */
  public _readContent(): string | undefined {
    if (this.content !== undefined) return this.content;
    try {
      return fs.readFileSync(path.resolve(this.fileName), 'utf-8');
    } catch {
      return undefined;
    }
  }
}
