// Sample (Lambda runtime): storage and media clients for the fan-out sample. All of it is I/O, so the handler
// calls these only inside steps.

const MEDIA_API = process.env.MEDIA_API ?? 'https://media.example.com';

export interface ImageRef {
  key: string;
  sizeBytes: number;
}

export interface Manifest {
  batchId: string;
  images: ImageRef[];
}

export interface ProcessedImage {
  key: string;
  thumbnailKey: string;
  labels: string[];
}

async function call<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${MEDIA_API}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${path} answered ${response.status}`);
  }
  return (await response.json()) as T;
}

export const loadManifest = (bucket: string, key: string): Promise<Manifest> => call('/manifests/load', { bucket, key });
export const makeThumbnail = (image: ImageRef): Promise<string> => call('/thumbnails', image);
export const detectLabels = (image: ImageRef): Promise<string[]> => call('/labels', image);
export const checkThumbnail = (thumbnailKey: string): Promise<boolean> => call('/thumbnails/check', { thumbnailKey });
export const updateSearchIndex = (images: ProcessedImage[]): Promise<number> => call('/index', { images });
export const invalidateCdn = (keys: string[]): Promise<number> => call('/cdn/invalidate', { keys });
export const sendEmail = (to: string, subject: string): Promise<string> => call('/email', { to, subject });
export const countLabels = (images: ProcessedImage[]): Promise<number> => call('/stats/labels', { images });
export const storageCost = (images: ProcessedImage[]): Promise<number> => call('/stats/cost', { images });
