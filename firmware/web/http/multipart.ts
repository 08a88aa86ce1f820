import { WebError } from '../web-error.js';

/** A file field of a multipart form: its client-side name and its bytes. */
export interface UploadedFile {
  name: string;
  data: Buffer;
}

/** A submitted form's text fields and files (the shape HttpContext.parseBody answers for either encoding). */
export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

/**
 * A `multipart/form-data` body (RFC 7578), already read under the body limit,
 * split into text fields and files. busboy is imported here, at the first
 * upload, so a phone that never imports contacts never loads it.
 */
export async function parseMultipart(body: Buffer, contentType: string): Promise<MultipartForm> {
  const { Busboy } = await import('@fastify/busboy');
  let parser: InstanceType<typeof Busboy>;
  try {
    parser = new Busboy({ headers: { 'content-type': contentType } });
  } catch (err) {
    throw new WebError(400, 'BAD_FORM', `the form could not be read: ${(err as Error).message}`, {}, { cause: err });
  }
  const form: MultipartForm = { fields: {}, files: {} };
  return new Promise<MultipartForm>((resolve, reject) => {
    const fail = (err: Error): void => reject(new WebError(400, 'BAD_FORM', `the form could not be read: ${err.message}`, {}, { cause: err }));
    parser.on('field', (name: string, value: string) => {
      form.fields[name] = value;
    });
    parser.on('file', (name: string, stream: NodeJS.ReadableStream, filename: string) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        form.files[name] = { name: filename, data: Buffer.concat(chunks) };
      });
    });
    parser.on('error', fail);
    parser.on('finish', () => resolve(form));
    parser.end(body);
  });
}
