// librdkafka 2.0.2 (Debian's confluent-kafka-python) with SASL/SCRAM against ACL bindings: a producer
// refused per topic by a DENY, and a consumer refused a group it may not READ (its commits too), while
// one with READ on the group consumes and commits. (confluent-kafka 1.7's AdminClient has no ACL calls;
// kafkajs covers CreateAcls/DescribeAcls/DeleteAcls in acls-kafka.test.ts.)

import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { type KafkaTestBroker, kafkaTestBroker } from './testing';

const PYTHON = '/usr/bin/python3';
const hasClient = spawnSync(PYTHON, ['-c', 'import confluent_kafka']).status === 0;
const PASSWORD = 'librdkafka acl password';

const SCRIPT = String.raw`
import json, sys, time
from confluent_kafka import Consumer, Producer, KafkaError
bootstrap, user, password, topic, group, mode = sys.argv[1:7]
conf = {"bootstrap.servers": bootstrap, "security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "SCRAM-SHA-256",
        "sasl.username": user, "sasl.password": password}
out = {}
if mode == "produce":
    errors = []
    p = Producer({**conf, "message.timeout.ms": 10000})
    p.produce(topic, b"v", callback=lambda err, msg: errors.append(err.name() if err else None))
    p.flush(15)
    out["result"] = errors[0] if errors else "no report"
else:
    c = Consumer({**conf, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "session.timeout.ms": 10000})
    c.subscribe([topic])
    deadline = time.time() + 20
    out["result"] = "timeout"
    while time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            out["result"] = m.error().name()
            break
        try:
            c.commit(message=m, asynchronous=False)
            out["result"] = "consumed and committed"
        except Exception as e:
            out["result"] = "commit failed: " + e.args[0].name()
        break
    c.close()
print(json.dumps(out))
`;

function python(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last).result);
      } catch {
        reject(new Error(`python said: ${stdout} ${stderr.slice(-2000)}`));
      }
    });
  });
}

describe.skipIf(!hasClient).each(testBackends())('librdkafka against ACLs (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(
    backend,
    (e) => {
      env = e;
    },
    { auth: { mode: 'on' } },
  );
  const names = { alice: '', bob: '' };
  beforeAll(async () => {
    const actor = { principal: env.broker.auth.anonymous(), address: null };
    for (const who of ['alice', 'bob'] as const) {
      names[who] = uniqueName(`rdk-${who}`);
      await env.broker.auth.users.add({ name: names[who], password: PASSWORD, role: 'producer' }, actor);
    }
  });

  it('produce is refused per topic by a DENY; a consumer without READ on the group is refused, one with it consumes and commits', {
    timeout: 180_000,
  }, async () => {
    const open = uniqueName('rdk-open');
    const denied = uniqueName('rdk-denied');
    const group = uniqueName('rdk-g');
    await env.broker.createTopic({ name: open, partitions: 1 });
    await env.broker.createTopic({ name: denied, partitions: 1 });
    await env.broker.auth.acls.create({ principal: env.broker.auth.anonymous(), address: null }, [
      {
        resourceType: 'TOPIC',
        patternType: 'LITERAL',
        resourceName: denied,
        principal: `User:${names.alice}`,
        host: '*',
        operation: 'WRITE',
        permission: 'DENY',
      },
      {
        resourceType: 'TOPIC',
        patternType: 'LITERAL',
        resourceName: denied,
        principal: 'User:*',
        host: '*',
        operation: 'ALL',
        permission: 'ALLOW',
      },
      {
        resourceType: 'GROUP',
        patternType: 'LITERAL',
        resourceName: group,
        principal: `User:${names.bob}`,
        host: '*',
        operation: 'READ',
        permission: 'ALLOW',
      },
    ]);
    const run = (who: keyof typeof names, topic: string, mode: 'produce' | 'consume') =>
      python([env.bootstrap, names[who], PASSWORD, topic, group, mode]);
    expect(await run('alice', open, 'produce')).toBeNull();
    expect(await run('alice', denied, 'produce')).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await run('bob', denied, 'produce')).toBeNull();
    expect(await run('alice', open, 'consume')).toBe('GROUP_AUTHORIZATION_FAILED');
    expect(await run('bob', open, 'consume')).toBe('consumed and committed');
  });
});
