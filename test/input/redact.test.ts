import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/input/redact.js';

describe('redacting log lines', () => {
  it.each([
    ['connecting with password=hunter2 to db', 'hunter2'],
    ['{"level":"error","token":"abc123def456"}', 'abc123def456'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'eyJhbGciOiJIUzI1NiJ9'],
    ['dial postgres://app:s3cr3t@db.shop.svc:5432/orders failed', 's3cr3t'],
    ['using key AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['client_secret: "xyz-987"', 'xyz-987'],
  ])('masks the secret in %s', (line, secret) => {
    const redacted = redactSecrets(line);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[REDACTED');
  });

  it('leaves ordinary lines alone', () => {
    const line = 'panic: runtime error: invalid memory address or nil pointer dereference';
    expect(redactSecrets(line)).toBe(line);
  });
});
