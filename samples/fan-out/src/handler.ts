// Sample (Lambda runtime): an image batch fanned out as a durable function. map processes every image in its own
// child context, parallel publishes and notifies, a child context builds the report from concurrent steps.
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import {
  checkThumbnail,
  countLabels,
  detectLabels,
  invalidateCdn,
  loadManifest,
  makeThumbnail,
  sendEmail,
  storageCost,
  updateSearchIndex,
  type ProcessedImage,
} from './media';

export interface BatchEvent {
  bucket: string;
  manifestKey: string;
  ownerEmail: string;
}

const WEBHOOK_FUNCTION = process.env.WEBHOOK_FUNCTION_NAME ?? 'webhook-dispatcher';

export const handler = withDurableExecution(async (event: BatchEvent, context: DurableContext) => {
  const manifest = await context.step('load-manifest', async () => loadManifest(event.bucket, event.manifestKey));

  // One child context per image: each item's steps are numbered inside its own context.
  const processed = await context.map(
    'process-images',
    manifest.images,
    async (itemContext, image): Promise<ProcessedImage> => {
      const thumbnailKey = await itemContext.step('make-thumbnail', async () => makeThumbnail(image));
      const labels = await itemContext.step('detect-labels', async () => detectLabels(image));
      return { key: image.key, thumbnailKey, labels };
    },
    {
      maxConcurrency: 5,
      itemNamer: (image) => image.key,
      completionConfig: { toleratedFailurePercentage: 10 },
    },
  );
  const images = processed.getResults();

  // Verify the thumbnails, one map item per image.
  const brokenThumbnails: string[] = [];
  await context.map('verify-thumbnails', images, async (itemContext, image) => {
    // deliberate: parent-context-in-child. The outer `context` inside a map callback; use itemContext.
    const ok = await context.step(`check-${image.key}`, async () => checkThumbnail(image.thumbnailKey));
    await itemContext.step('record-result', async () => {
      if (!ok) {
        // deliberate: closure-mutation-in-step. On replay the step does not run, so the push is lost.
        brokenThumbnails.push(image.key);
      }
    });
  });

  // Branches as an array of functions.
  const published = await context.parallel('publish', [
    async (branch) => branch.step('update-search-index', async () => updateSearchIndex(images)),
    async (branch) => branch.step('invalidate-cdn', async () => invalidateCdn(images.map((i) => i.thumbnailKey))),
  ]);

  // Branches with names, as { name, func }.
  await context.parallel(
    'notify',
    [
      {
        name: 'email-owner',
        func: async (branch) =>
          branch.step('send-email', async () => sendEmail(event.ownerEmail, `${images.length} images processed`)),
      },
      {
        name: 'webhook',
        func: async (branch) =>
          branch.invoke<{ batchId: string; count: number }, string>('call-webhook', WEBHOOK_FUNCTION, {
            batchId: manifest.batchId,
            count: images.length,
          }),
      },
    ],
    { completionConfig: { minSuccessful: 1 } },
  );

  // A child context groups the report's operations; promise.all runs its steps concurrently.
  const report = await context.runInChildContext('build-report', async (reportContext) => {
    const [labelCount, costCents] = await reportContext.promise.all('gather-stats', [
      reportContext.step('count-labels', async () => countLabels(images)),
      reportContext.step('storage-cost', async () => storageCost(images)),
    ]);
    return { labelCount, costCents };
  });

  // deliberate: floating-durable-promise. Never awaited, so this wait never happens.
  context.wait('settle-cdn', { seconds: 30 });

  context.logger.info('batch done', { batchId: manifest.batchId, failed: processed.failureCount });
  return {
    batchId: manifest.batchId,
    processed: images.length,
    failed: processed.failureCount,
    publishedBranches: published.successCount,
    brokenThumbnails,
    report,
  };
});
