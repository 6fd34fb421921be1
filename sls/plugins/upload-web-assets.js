'use strict';

/**
 * `osls deploy` also publishes the pages' static assets (web/dist/assets, built by web/build.js
 * when serverless.yml is resolved) to the stage's web assets bucket, under assets/, with a year
 * of immutable caching: their names carry a hash of their content, so a new build never
 * overwrites what a cached page still refers to. Before the stack update when the bucket exists
 * already (new pages never point at files not uploaded yet), and after it (the first deploy).
 * Stages without a website (no WebAssetsBucketName output) upload nothing.
 */
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { buildWebAssets, contentTypeOf } = require('../../web/build');

class UploadWebAssets {
  constructor(serverless) {
    this.serverless = serverless;
    this.provider = serverless.getProvider('aws');
    this.hooks = {
      'before:deploy:deploy': () => this.upload({ quietIfMissing: true }),
      'after:deploy:deploy': () => this.upload({ quietIfMissing: false }),
    };
  }

  async bucket() {
    try {
      const out = await this.provider.request('CloudFormation', 'describeStacks', { StackName: this.provider.naming.getStackName() });
      const outputs = out.Stacks?.[0]?.Outputs ?? [];
      return outputs.find((o) => o.OutputKey === 'WebAssetsBucketName')?.OutputValue;
    } catch {
      return undefined; // no stack yet
    }
  }

  async upload({ quietIfMissing }) {
    const bucket = await this.bucket();
    if (!bucket) {
      if (!quietIfMissing) this.serverless.cli.log('web assets: this stage has no web assets bucket (no webDomainName); nothing uploaded');
      return;
    }
    const { assetsDir } = buildWebAssets();
    const files = readdirSync(assetsDir);
    for (const name of files) {
      await this.provider.request('S3', 'putObject', {
        Bucket: bucket,
        Key: `assets/${name}`,
        Body: readFileSync(path.join(assetsDir, name)),
        ContentType: contentTypeOf(name),
        CacheControl: 'public, max-age=31536000, immutable',
      });
    }
    this.serverless.cli.log(`web assets: ${files.length} files uploaded to s3://${bucket}/assets/`);
  }
}

module.exports = UploadWebAssets;
