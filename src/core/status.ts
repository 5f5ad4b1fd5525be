// The codes the library itself sends or reports, as plain constants: a bundler inlines a
// constant but keeps the whole StatusCode object once one member is read (bench/README.md,
// "Bundle size").
/** 1000, the purpose of the connection has been fulfilled. @internal */
export const NORMAL_CLOSURE = 1000;
/** 1001, an endpoint is going away. @internal */
export const GOING_AWAY = 1001;
/** 1003, data the endpoint cannot accept. @internal */
export const UNSUPPORTED_DATA = 1003;
/** 1006, lost without a close frame. @internal */
export const ABNORMAL_CLOSURE = 1006;
/** 1008, a message violated the endpoint's policy. @internal */
export const POLICY_VIOLATION = 1008;

/**
 * Named close status codes from RFC 6455 section 7.4.1 and the IANA registry. Any code in
 * 1000-4999 is valid on the wire and passes through adapters unchanged, application codes
 * 3000-4999 included; these names only make the common ones readable.
 */
export const StatusCode = {
  /** 1000: the purpose of the connection has been fulfilled. */
  NormalClosure: NORMAL_CLOSURE,
  /** 1001: an endpoint is going away (server shutdown, page navigation). */
  GoingAway: GOING_AWAY,
  /** 1002: protocol error. */
  ProtocolError: 1002,
  /** 1003: received a type of data the endpoint cannot accept. */
  UnsupportedData: UNSUPPORTED_DATA,
  /** 1005: reserved, never sent; reports a close frame that carried no code. */
  NoStatusReceived: 1005,
  /** 1006: reserved, never sent; reports a connection lost without a close frame. */
  AbnormalClosure: ABNORMAL_CLOSURE,
  /** 1007: data inconsistent with the message type (e.g. invalid UTF-8 in text). */
  InvalidFramePayloadData: 1007,
  /** 1008: a message violated the endpoint's policy. */
  PolicyViolation: POLICY_VIOLATION,
  /** 1009: a message was too big to process. */
  MessageTooBig: 1009,
  /** 1010: the client expected an extension the server did not negotiate. */
  MandatoryExtension: 1010,
  /** 1011: the server hit an unexpected condition. */
  InternalError: 1011,
  /** 1012: the server is restarting. */
  ServiceRestart: 1012,
  /** 1013: try again later (temporary overload). */
  TryAgainLater: 1013,
  /** 1014: a gateway or proxy got an invalid response upstream. */
  BadGateway: 1014,
  /** 1015: reserved, never sent; reports a failed TLS handshake. */
  TLSHandshake: 1015,
} as const;

/** One of the named {@link StatusCode} values. Adapters accept any valid `number` code. */
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** Longest close reason RFC 6455 allows: 125-byte control payload minus the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Whether `code` may be sent in a close frame: 1000-1003, 1007-1014 and 3000-4999.
 * 1004, 1005, 1006 and 1015 are reserved and never sent; 1016-2999 are unassigned.
 */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}
