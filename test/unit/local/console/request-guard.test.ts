import { refuseRequest, TOKEN_HEADER } from '../../../../local/console/request-guard.ts';

const port = 4580;
const token = 'a'.repeat(48);
const request = (method: string, headers: Record<string, string>) => ({ method, headers: { host: `127.0.0.1:${port}`, ...headers }, port, token });

describe('the console request guard', () => {
  it('serves reads from its own page and from tools that send no Origin', () => {
    // Assess
    expect(refuseRequest(request('GET', {}))).toBeUndefined();
    expect(refuseRequest(request('GET', { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
    expect(refuseRequest(request('GET', { host: `localhost:${port}`, origin: `http://localhost:${port}` }))).toBeUndefined();
  });

  it("refuses another site's page, a rebound DNS name and a cross-site fetch", () => {
    // Assess
    expect(refuseRequest(request('GET', { origin: 'http://attacker.example' }))).toEqual({ status: 403, reason: 'cross-origin requests are refused' });
    expect(refuseRequest(request('GET', { origin: `http://127.0.0.1:${port + 1}` }))?.status).toBe(403);
    expect(refuseRequest(request('GET', { host: `attacker.example:${port}` }))).toEqual({ status: 421, reason: `the console answers to 127.0.0.1:${port}, localhost:${port}, [::1]:${port} only` });
    expect(refuseRequest(request('GET', { 'sec-fetch-site': 'cross-site' }))).toEqual({ status: 403, reason: 'cross-site requests are refused' });
  });

  it('lets an action through only as JSON with the token sluice dev printed', () => {
    // Prepare
    const json = { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` };
    // Assess
    expect(refuseRequest(request('POST', { ...json, [TOKEN_HEADER]: token }))).toBeUndefined();
    expect(refuseRequest(request('POST', json))).toEqual({ status: 403, reason: 'this action needs the console token `sluice dev` printed in its terminal' });
    expect(refuseRequest(request('POST', { ...json, [TOKEN_HEADER]: 'b'.repeat(48) }))?.status).toBe(403);
    expect(refuseRequest(request('POST', { ...json, [TOKEN_HEADER]: 'short' }))?.status).toBe(403);
    expect(refuseRequest(request('POST', { 'content-type': 'text/plain', [TOKEN_HEADER]: token }))).toEqual({ status: 415, reason: 'actions take a JSON body' });
  });
});
