export { ComposeFile } from './compose-file';
export { ComposeApp } from './compose-app';
export { ComposeAppProps, ComposeSecretsAs, ComposeWebServiceOptions } from './compose-app-props';
