export { ComposeFile } from './compose-file';
export { ComposeApp } from './compose-app';
export { ComposeAppProps, ComposeLaunchType, ComposeWebServiceOptions } from './compose-app-props';
