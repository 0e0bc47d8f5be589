import { isValidLoinc } from '../../src/knowledge/loinc';

describe('LOINC check digit', () => {
  it.each(['36277-2', '21905-5', '21889-1', '33728-7', '26346-7', '72139-9', '81555-5', '80852-7', '26288-1'])('accepts %s', (code) => {
    expect(isValidLoinc(code)).toBe(true);
  });

  it.each(['26688-1', '37432-3', '24604-9', '36277-3', '2190-5', 'abc-1', '36277'])('rejects %s', (code) => {
    expect(isValidLoinc(code)).toBe(false);
  });
});
