export { ComposeFile } from './compose-file';
export { ComposeApp, ComposeAppProps, ComposeLaunchType, ComposeWebServiceOptions } from './compose-app';
