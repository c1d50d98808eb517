import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The Java system property the launcher reads the listen address from. */
export const LISTEN_HOST_PROPERTY = 'sluice.listenHost';

/**
 * DynamoDB Local has no bind-address option: `DynamoDBProxyServer` builds a Jetty `Server(port)`, whose one
 * connector listens on every interface. This launcher builds the same server from the same command-line
 * arguments, sets that connector's host, and starts it. It never configures DynamoDB Local's telemetry
 * (ServerRunner.main does), so nothing is sent whatever the flags; `-disableTelemetry` is passed too.
 */
const LAUNCHER_SOURCE = `import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** DynamoDB Local, listening on -D${LISTEN_HOST_PROPERTY} only (written by sluice: local/emulators/dynamodb-local-launcher.ts). */
public class SluiceDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("${LISTEN_HOST_PROPERTY}", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) ((ServerConnector) connector).setHost(host);
    proxy.start();
  }
}
`;

const MAIN_CLASS = 'SluiceDynamoDbLocal';

/** The launcher compiled for one DynamoDB Local release: run `java -cp classDir:… SluiceDynamoDbLocal`. */
export interface CompiledLauncher {
  readonly classDir: string;
  readonly mainClass: string;
}

const compiling = new Map<string, Promise<CompiledLauncher | undefined>>();

/**
 * Compiles the launcher once per DynamoDB Local release and launcher source (into a folder under the OS
 * temp dir named by their hash) with the compiler module of `java` itself (`-m jdk.compiler/…`, so no
 * `javac` on the PATH is needed), and returns it. Resolves undefined when this Java has no compiler
 * (a bare JRE). Compiling takes about 2 s; later starts reuse the class.
 *
 * @example
 * const launcher = await compiledLauncher(['DynamoDBLocal.jar', 'DynamoDBLocal_lib/*'].join(':'));
 */
export function compiledLauncher(classpath: string, java = 'java'): Promise<CompiledLauncher | undefined> {
  const hash = createHash('sha256').update(LAUNCHER_SOURCE).update(classpath).digest('hex').slice(0, 16);
  const classDir = join(tmpdir(), `sluice-dynamodb-launcher-${hash}`);
  const key = `${java}\0${classDir}`;
  let pending = compiling.get(key);
  if (!pending) {
    pending = compile(java, classpath, classDir);
    compiling.set(key, pending);
  }
  return pending;
}

async function compile(java: string, classpath: string, classDir: string): Promise<CompiledLauncher | undefined> {
  const launcher = { classDir, mainClass: MAIN_CLASS };
  if (existsSync(join(classDir, `${MAIN_CLASS}.class`))) return launcher;
  if (!javaHasCompiler(java)) return undefined;
  // Built aside and renamed into place, so a concurrent start never loads half a class file.
  const work = mkdtempSync(join(tmpdir(), 'sluice-dynamodb-launcher-build-'));
  try {
    const source = join(work, `${MAIN_CLASS}.java`);
    writeFileSync(source, LAUNCHER_SOURCE);
    const out = join(work, 'classes');
    await execFileAsync(java, ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '--release', '17', '-nowarn', '-d', out, '-cp', classpath, source]);
    try {
      renameSync(out, classDir);
    } catch (err) {
      // Another process compiled it first: theirs is the same class.
      if (!existsSync(join(classDir, `${MAIN_CLASS}.class`))) throw err;
    }
    return launcher;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const compilerSupport = new Map<string, boolean>();

/**
 * Whether `java` has the `jdk.compiler` module, which a JDK has and a bare JRE does not. Asked once per command.
 *
 * @example
 * if (!javaHasCompiler()) console.warn('DynamoDB Local will listen on every interface');
 */
export function javaHasCompiler(command = 'java'): boolean {
  const known = compilerSupport.get(command);
  if (known !== undefined) return known;
  const probe = spawnSync(command, ['--list-modules'], { encoding: 'utf8' });
  const supported = !probe.error && /^jdk\.compiler@/m.test(probe.stdout ?? '');
  compilerSupport.set(command, supported);
  return supported;
}
