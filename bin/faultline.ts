// Node 20 is a supported runtime for this CLI; the SDK's notice about its future Node 22 minimum is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { Command } from 'commander';
import { drillCommand } from './commands/drill.js';
import { localCommand } from './commands/local.js';
import { ringCommand } from './commands/ring.js';
import { templatesCommand } from './commands/templates.js';

/**
 * The operator CLI. Region, credentials and endpoint come the standard AWS way (AWS_REGION, AWS_PROFILE,
 * AWS_ENDPOINT_URL and the service-specific AWS_ENDPOINT_URL_*), so the same commands work against a deployed
 * stack, LocalStack, or `faultline local`.
 */
const program = new Command('faultline')
  .description('Serverless, event-driven fault handling for AWS')
  .version('0.1.0')
  .addCommand(drillCommand())
  .addCommand(localCommand())
  .addCommand(ringCommand())
  .addCommand(templatesCommand());

await program.parseAsync(process.argv).catch((error: unknown) => {
  const err = error instanceof Error ? error : new Error(String(error));
  console.error(`faultline: ${err.name}: ${err.message}`);
  process.exitCode = 1;
});
