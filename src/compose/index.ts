export { ComposeFile } from './compose-file';
export { ComposeApp } from './compose-app';
export { ComposeAppProps, ComposePortEndpoint, ComposeWebServiceOptions } from './compose-app-props';
