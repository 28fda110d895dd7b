export { ComposeFile } from './compose-file';
export { ComposeApp } from './compose-app';
export { ComposeAppProps, ComposeWebServiceOptions } from './compose-app-props';
