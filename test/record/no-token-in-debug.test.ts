import createDebug from 'debug';

describe("fhir-kit-client's debug output (it prints request headers, the bearer token among them)", () => {
  it('stays off even when DEBUG turns everything on', () => {
    createDebug.enable('*');
    expect(createDebug.enabled('fhir-kit-client:info')).toBe(true);
    // Loaded only now (this file imports nothing else), as the service loads it after reading DEBUG.
    require('../../src/record/fhir-reader');
    expect(createDebug.enabled('fhir-kit-client:info')).toBe(false);
    expect(createDebug.enabled('fhir-kit-client:error')).toBe(false);
    expect(createDebug.enabled('express:router')).toBe(true);
  });
});
