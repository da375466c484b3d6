import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';

/**
 * A whole message (RFC 5322 with MIME) built once, before sending, so every attempt sends
 * the same bytes under the same Message-ID. Charts are related parts with a Content-ID the
 * HTML points at (`cid:`); nothing is fetched from a path or a URL while building.
 */

export interface OutgoingAttachment {
  fileName: string;
  contentType: string;
  content: Buffer | string;
  /** Content-ID (without brackets) of an inline image the HTML shows. */
  cid?: string;
}

export interface OutgoingMessage {
  from: { address: string; name: string | null };
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  attachments: OutgoingAttachment[];
  date: Date;
}

export interface BuiltMessage {
  raw: Buffer;
  /** With angle brackets, as in the header. */
  messageId: string;
}

export async function buildMessage(message: OutgoingMessage): Promise<BuiltMessage> {
  const domain = message.from.address.split('@')[1] ?? 'logscope.invalid';
  const messageId = `<${randomUUID()}@${domain}>`;
  const composer = new MailComposer({
    from: message.from.name ? { name: message.from.name, address: message.from.address } : message.from.address,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== null ? { html: message.html } : {}),
    messageId,
    date: message.date,
    headers: { 'X-Mailer': 'Logscope' },
    attachments: message.attachments.map((a) => ({
      filename: a.fileName,
      content: a.content,
      contentType: a.contentType,
      ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' } : { contentDisposition: 'attachment' }),
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return { raw, messageId };
}
