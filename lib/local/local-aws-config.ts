/**
 * Client settings for the embedded emulators: a fixed region and throwaway credentials, so no AWS account or
 * profile is needed and nothing local is ever signed with real keys.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export function localAwsConfig(): {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
} {
  return {
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}
