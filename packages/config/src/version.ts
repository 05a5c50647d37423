import rootPackage from '../../../package.json';

export const HERALD_VERSION: string = rootPackage.version;
export const USER_AGENT = `Herald/${HERALD_VERSION}`;
