// Minimal typing for the npm `fernet` package (devDependency, used only for interoperability tests).
declare module 'fernet' {
  export class Secret {
    constructor(secret64: string);
  }
  export interface TokenOptions {
    secret: Secret;
    token?: string;
    /** seconds; 0 disables the TTL check */
    ttl?: number;
    /** date string parsed with Date.parse */
    time?: string;
  }
  export class Token {
    constructor(options: TokenOptions);
    encode(message: string): string;
    decode(token?: string): string;
  }
}
