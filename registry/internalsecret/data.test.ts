import assert from 'node:assert/strict';
import { Base64Error, canonicalBase64, decodeBase64, decodeData, encodeBase64, encodeString } from './data.js';
import { goUnmarshalMapError, quoteChar } from '../../apimachinery/gojson.js';

describe('registry/internalsecret data helpers', () => {
  describe('decodeBase64 (Go StdEncoding)', () => {
    const ok: [string, string][] = [
      ['', ''],
      ['YQ==', 'a'],
      ['YWI=', 'ab'],
      ['YWJj', 'abc'],
      ['YWJjZGVmZ2hpamts', 'abcdefghijkl'],
      ['YW\nJj\r\n', 'abc'],
      ['YQ=\n=', 'a'],
      ['YR==', 'a'],
      ['\n', ''],
    ];
    for (const [input, want] of ok) it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => assert.equal(decodeBase64(input).toString(), want));

    const bad: [string, number][] = [
      ['a', 0],
      ['YQ', 0],
      ['YQ=', 3],
      ['YWJ', 0],
      ['YWJjZA', 4],
      ['=', 0],
      ['Y===', 1],
      ['YQ=a', 2],
      ['YQ==YQ==', 4],
      ['YQ== ', 4],
      ['Y Q==', 1],
      ['YWJj-A==', 4],
      ['ü', 0],
      ['YWJjZGVmZ2hp!mts', 12],
    ];
    for (const [input, offset] of bad) {
      it(`${JSON.stringify(input)} fails at byte ${offset}`, () => {
        assert.throws(
          () => decodeBase64(input),
          (e: unknown) => e instanceof Base64Error && e.offset === offset && e.message === `illegal base64 data at input byte ${offset}`,
        );
      });
    }
  });

  it('decodeData decodes values, tolerating null and junk', () => {
    const m = decodeData({ a: 'YQ==', b: null, c: encodeString('ü') });
    assert.deepEqual([...m.keys()], ['a', 'b', 'c']);
    assert.equal(m.get('a')?.toString(), 'a');
    assert.equal(m.get('b')?.length, 0);
    assert.equal(m.get('c')?.toString(), 'ü');
    assert.equal(decodeData(undefined).size, 0);
    assert.equal(decodeData({ x: 'a' }).get('x')?.length, 0);
  });

  describe('canonicalBase64', () => {
    it('equals decoding and re-encoding, and returns canonical input as it is', () => {
      const inputs = ['', 'QQ==', 'QR==', 'QUI=', 'QUJ=', 'QUJD', 'QUJ\nD', 'Q/==', 'AB/=', 'AB+='];
      for (let n = 0; n < 40; n++) {
        const b64 = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 0xff)).toString('base64');
        inputs.push(b64);
        if (b64.endsWith('=')) {
          const pad = b64.endsWith('==') ? 2 : 1;
          const at = b64.length - pad - 1;
          for (const c of ['B', 'R', '/', 'h']) inputs.push(b64.slice(0, at) + c + b64.slice(at + 1));
        }
      }
      for (const s of inputs) {
        const expected = encodeBase64(decodeBase64(s));
        assert.equal(canonicalBase64(s), expected, JSON.stringify(s));
      }
      const big = Buffer.alloc(3000, 7).toString('base64');
      assert.equal(canonicalBase64(big), big);
      assert.throws(() => canonicalBase64('Q==='), Base64Error);
    });
  });

  describe('goUnmarshalMapError (Go encoding/json into map[string]any)', () => {
    const cases: [string, string | undefined][] = [
      ['{}', undefined],
      [' {"a":1,"b":[true,false,null,"x\\n\\u00e9"],"c":{"d":-1.5e+3}}\n', undefined],
      ['null', undefined],
      ['', 'unexpected end of JSON input'],
      ['  ', 'unexpected end of JSON input'],
      ['{', 'unexpected end of JSON input'],
      ['{"a":', 'unexpected end of JSON input'],
      ['"abc', 'unexpected end of JSON input'],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
      ['{1:2}', "invalid character '1' looking for beginning of object key string"],
      ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
      ['[1,]', "invalid character ']' looking for beginning of value"],
      ['[1 2]', "invalid character '2' after array element"],
      ['{} x', "invalid character 'x' after top-level value"],
      ['01', "invalid character '1' after top-level value"],
      ['-', "invalid character ' ' in numeric literal"],
      ['-a', "invalid character 'a' in numeric literal"],
      ['1.', "invalid character ' ' after decimal point in numeric literal"],
      ['1.e5', "invalid character 'e' after decimal point in numeric literal"],
      ['1e', "invalid character ' ' in exponent of numeric literal"],
      ['1e+', "invalid character ' ' in exponent of numeric literal"],
      ['tru', "invalid character ' ' in literal true (expecting 'e')"],
      ['trUe', "invalid character 'U' in literal true (expecting 'u')"],
      ['nul', "invalid character ' ' in literal null (expecting 'l')"],
      ['fals', "invalid character ' ' in literal false (expecting 'e')"],
      ['not json', "invalid character 'o' in literal null (expecting 'u')"],
      ['"\\x"', "invalid character 'x' in string escape code"],
      ['"\\u12G4"', "invalid character 'G' in \\u hexadecimal character escape"],
      ['"a\nb"', "invalid character '\\n' in string literal"],
      ["'a'", "invalid character '\\'' looking for beginning of value"],
      ['\\', "invalid character '\\\\' looking for beginning of value"],
      ['[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
      ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
      [' true', 'json: cannot unmarshal bool into Go value of type map[string]interface {}'],
      ['12', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
      ['1e999', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
      ['{"a":1e999}', 'json: cannot unmarshal number 1e999 into Go value of type float64'],
      ['{"a":[1,{"b":-2E+400}],"c":1e999}', 'json: cannot unmarshal number -2E+400 into Go value of type float64'],
      ['{"a":1e-999}', undefined],
    ];
    for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(goUnmarshalMapError(Buffer.from(input)), want));

    it("stops at Go's nesting limit of 10000 levels", () => {
      const nested = (arrays: number) => `{"a":${'['.repeat(arrays)}${']'.repeat(arrays)}}`;
      assert.equal(goUnmarshalMapError(Buffer.from(nested(9999))), undefined);
      assert.equal(goUnmarshalMapError(Buffer.from(nested(10000))), "invalid character '[' exceeded max depth");
    });

    it('quotes raw bytes like Go', () => {
      assert.equal(goUnmarshalMapError(Buffer.from([0xc3, 0xa9])), "invalid character 'Ã' looking for beginning of value");
      assert.equal(goUnmarshalMapError(Buffer.from([0x80])), "invalid character '\\u0080' looking for beginning of value");
      assert.equal(goUnmarshalMapError(Buffer.from([0x01])), "invalid character '\\x01' looking for beginning of value");
      assert.equal(quoteChar(0x22), `'"'`);
      assert.equal(quoteChar(0x09), "'\\t'");
      assert.equal(quoteChar(0x7f), "'\\x7f'");
      assert.equal(quoteChar(0xa0), "'\\u00a0'");
      assert.equal(quoteChar(0xe9), "'é'");
    });
  });
});
