export { ComposeFile } from './compose-file';
export { ComposeApp } from './compose-app';
export { ComposeAppProps, ComposePortEndpoint, ComposeSecretsAs, ComposeWebServiceOptions } from './compose-app-props';
