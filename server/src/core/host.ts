// What the core needs from its environment. The CLI and the language server pass in real
// implementations (disk plus open editor buffers); tests can pass an in-memory one.

export interface FileHost {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /** Entry names of a directory, or undefined when it is not a readable directory. */
  listDir(path: string): string[] | undefined;
  /** True for an existing directory. */
  isDirectory(path: string): boolean;
  /** True when anything exists at the path (a socket too); absent when the host cannot tell. */
  exists?(path: string): boolean;
  /**
   * What the path is after following links (device and inode on a disk), so a directory reached
   * through several links is recognised; absent when the host cannot tell (no links).
   */
  identity?(path: string): string | undefined;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
