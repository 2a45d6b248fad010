/** Plain-words descriptions of file system errors, for one-line messages. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    case 'ENAMETOOLONG':
      return 'the path is too long to open (ENAMETOOLONG)';
    case 'EIO':
      return 'input/output error (EIO)';
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}
