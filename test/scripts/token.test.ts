import { loadConfig } from '../../src/config/load';
import { developmentAudience } from '../../scripts/token';

/** `npm run token` must sign for the URL the service was started on: the same PORT and PUBLIC_BASE_URL, read the same way. */
describe('npm run token: the audience follows the service', () => {
  const cases: NodeJS.ProcessEnv[] = [
    {},
    { PORT: '4000' },
    { PORT: '' },
    { PUBLIC_BASE_URL: 'http://127.0.0.1:5000/' },
    { PORT: '4000', PUBLIC_BASE_URL: 'http://localhost:4555' },
  ];
  it.each(cases)('%j', (env) => {
    const { config } = loadConfig({ NODE_ENV: 'test', ...env });
    expect(developmentAudience('/cds-services', env)).toBe(`${config.publicBaseUrl}/cds-services`);
    expect(developmentAudience('cds-services/axilla-imaging-order-select', env)).toBe(
      `${config.publicBaseUrl}/cds-services/axilla-imaging-order-select`,
    );
  });

  it('leaves a whole URL as it is', () => {
    expect(developmentAudience('https://cds.example.org/cds-services', { PORT: '4000' })).toBe('https://cds.example.org/cds-services');
  });
});
