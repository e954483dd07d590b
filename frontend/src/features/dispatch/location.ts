/** Why the phone's position could not be read, each with its own message. */
export type LocationFailure = 'denied' | 'unavailable' | 'timeout' | 'unsupported' | 'insecure';

export class LocationError extends Error {
  constructor(readonly reason: LocationFailure) {
    super(reason);
    this.name = 'LocationError';
  }
}

/** The position from the browser (GPS on a phone), as the API wants it; rejects with a LocationError. */
export function currentPosition(options: PositionOptions = { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 }): Promise<{ lat: number; lon: number }> {
  if (typeof window !== 'undefined' && window.isSecureContext === false) return Promise.reject(new LocationError('insecure'));
  const geolocation = typeof navigator !== 'undefined' ? navigator.geolocation : undefined;
  if (!geolocation) return Promise.reject(new LocationError('unsupported'));
  return new Promise((resolve, reject) => {
    geolocation.getCurrentPosition(
      (position) => resolve({ lat: position.coords.latitude, lon: position.coords.longitude }),
      (error) => reject(new LocationError(error.code === 1 ? 'denied' : error.code === 3 ? 'timeout' : 'unavailable')),
      options,
    );
  });
}
