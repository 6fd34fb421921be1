// The pages' Content-Security-Policy, for CloudFront's response-headers policy. The functions set
// the same policy themselves (lib/http/security-headers.ts); test/template/web.test.ts checks
// that the two agree.
module.exports.PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
