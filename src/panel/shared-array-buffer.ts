// Imported first by the panel's and the options page's entry points, before anything loads whatwg-url.
//
// whatwg-url's dependency webidl-conversions (8.x) reads SharedArrayBuffer.prototype's getters when it
// loads. Firefox exposes SharedArrayBuffer only to cross-origin isolated documents, and extension pages
// are not: there the bundle threw "SharedArrayBuffer is not defined" at load and the panel stayed blank
// (seen in Firefox ESR 140). Where the global is missing, no SharedArrayBuffer can exist, so a stand-in
// whose getters always throw gives webidl-conversions' brand checks the right answer ("not a
// SharedArrayBuffer") for every value. It is never used to create anything.
const g = globalThis as { SharedArrayBuffer?: unknown };
if (typeof g.SharedArrayBuffer !== 'function') {
  const notShared = (): never => {
    throw new TypeError('not a SharedArrayBuffer (none exist in this context)');
  };
  class SharedArrayBufferUnavailable {
    constructor() {
      notShared();
    }
    get byteLength(): number {
      return notShared();
    }
    get growable(): boolean {
      return notShared();
    }
    get maxByteLength(): number {
      return notShared();
    }
  }
  Object.defineProperty(globalThis, 'SharedArrayBuffer', { value: SharedArrayBufferUnavailable, configurable: true, writable: true });
}

export {};
