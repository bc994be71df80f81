/**
 * Runs one login against argv[2] and prints its result as JSON: the login path in a process of
 * its own, so the test can give it NODE_EXTRA_CA_CERTS (read only at start).
 */
import { loginWithPassword } from '../../src/main/core/server-auth';

const result = await loginWithPassword(process.argv[2]!, 'alice', 'pw', undefined, 5000);
process.stdout.write(JSON.stringify(result));
